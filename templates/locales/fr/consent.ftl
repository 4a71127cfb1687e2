# consent

consent-title = Autoriser l’accès
consent-heading = Autoriser l’accès ?
consent-client-logo-alt = Logo de { $client }
consent-unverified = Cette application s’est enregistrée elle-même : elle n’a pas été vérifiée par l’opérateur de ce service. Assurez-vous de lui faire confiance avant d’autoriser l’accès.
consent-would-like-to = souhaite :
consent-privacy-policy = Politique de confidentialité
consent-terms = Conditions d’utilisation
consent-device-code = N’autorisez ceci que si votre appareil affiche ce code :
consent-allow = Autoriser
consent-deny = Refuser
consent-signed-in-as = Connecté en tant que { $username }.
consent-not-you = Ce n’est pas vous ?
consent-remembered = Votre réponse est mémorisée pour cette application ; elle ne vous redemandera que si elle a besoin de plus.
consent-error-choose = Choisissez « Autoriser » ou « Refuser ».
consent-error-nothing-waiting = Aucune demande n’attend votre réponse. Retournez à l’application et recommencez.

consent-scope-openid = Confirmer votre identité lorsque vous vous connectez
consent-scope-profile = Voir votre nom et votre nom d’utilisateur
consent-scope-profile-with-name = Voir votre nom et votre nom d’utilisateur ({ $name }, { $username })
consent-scope-profile-with-username = Voir votre nom d’utilisateur ({ $username })
consent-scope-email = Lire votre adresse e-mail
consent-scope-email-with-value = Lire votre adresse e-mail ({ $email })
consent-scope-address = Voir votre adresse postale
consent-scope-phone = Voir votre numéro de téléphone
consent-scope-offline-access = Rester connectée quand vous ne l’utilisez pas
consent-scope-roles = Voir vos rôles et ce qu’ils vous permettent de faire
consent-scope-groups = Voir les groupes dont vous faites partie
consent-scope-other = Utiliser « { $scope } », une autorisation définie par ce service
