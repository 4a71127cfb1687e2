account-title = Votre compte

account-done-password = Votre mot de passe a été modifié. Vous êtes déconnecté partout ailleurs.
account-done-email-changed = Votre adresse e-mail a été modifiée. Suivez le lien que nous y avons envoyé pour la vérifier.
account-done-verification-sent = Nous avons envoyé un lien de vérification à votre adresse e-mail.
account-done-app-revoked = L’application ne peut plus utiliser votre compte.
account-done-signed-out = Cette session a été déconnectée.
account-done-totp-removed = Votre application d’authentification et vos codes de récupération ont été supprimés.
account-done-passkey-added = Votre clé d’accès a été ajoutée. Vous pouvez désormais l’utiliser pour vous connecter.
account-done-passkey-removed = La clé d’accès a été supprimée.
account-done-upstream-removed = Le lien a été supprimé : ce compte ne vous connecte plus.

account-profile = Profil
account-name = Nom
account-username = Nom d’utilisateur
account-email = E-mail
account-email-verified = vérifiée
account-email-not-verified = non vérifiée
account-email-none = aucune
account-send-verification = Envoyer l’e-mail de vérification
account-new-email = Nouvelle adresse e-mail
account-change-email = Modifier l’adresse e-mail
account-email-invalid = Cette adresse ne peut pas être utilisée : ce n’est pas une adresse e-mail.
account-email-unusable = Cette adresse ne peut pas être utilisée pour votre compte.
account-no-address-to-verify = Il n’y a aucune adresse non vérifiée à laquelle envoyer un lien, ou l’e-mail n’est pas disponible.

account-password = Mot de passe
account-current-password = Mot de passe actuel
account-no-password = Vous vous connectez via un autre fournisseur et n’avez pas encore de mot de passe ici ; vous pouvez en définir un.
account-new-password = Nouveau mot de passe
account-confirm-password = Confirmez le nouveau mot de passe
account-password-hint = Le modifier vous déconnecte de tous vos autres appareils.
account-change-password = Modifier le mot de passe
account-current-password-wrong = Votre mot de passe actuel est incorrect.
account-passwords-differ = Les deux nouveaux mots de passe ne sont pas identiques.
account-password-refused = Le nouveau mot de passe ne peut pas être utilisé : { $reason }
account-password-not-changed = Le mot de passe n’a pas pu être modifié. Veuillez réessayer.
account-username-unusable = Le nom d’utilisateur de ce compte ne peut pas être modifié ici.

account-password-empty = le mot de passe est vide ou ne contient que des espaces.
account-password-control = le mot de passe contient des caractères de contrôle.
account-password-too-short = { $min ->
    [one] le mot de passe est trop court : il faut au moins { $min } caractère (il en a { $has }).
   *[other] le mot de passe est trop court : il faut au moins { $min } caractères (il en a { $has }).
}
account-password-too-long = le mot de passe est trop long : { $max } caractères au maximum sont autorisés.
account-password-too-easy = le mot de passe est trop facile à deviner. Les mots courants, les noms, les dates et les suites de touches du clavier sont essayés en premier.
account-password-too-easy-own = le mot de passe est trop facile à deviner. Il est formé à partir du nom d’utilisateur, du nom ou de l’adresse e-mail du compte.

account-apps = Applications connectées
account-apps-none = Vous n’avez autorisé aucune application à utiliser votre compte.
account-app-last-used = Dernière utilisation : { $date }
account-app-never-used = Dernière utilisation : jamais
account-revoke = Révoquer l’accès
account-nothing-to-revoke-title = Rien à révoquer
account-nothing-to-revoke = Vous n’avez pas autorisé cette application à utiliser votre compte, ou son accès a déjà été révoqué.

account-sessions = Sessions
account-device-on = { $browser } sous { $os }
account-device = { $browser }
account-device-unknown = Navigateur inconnu
account-this-browser = ce navigateur
account-session-times = connecté le { $signed_in } · vu pour la dernière fois le { $last_seen }
account-sign-out = Se déconnecter
account-sign-out-everywhere = Se déconnecter partout
account-no-such-session-title = Session introuvable
account-no-such-session = Cette session ne vous appartient pas, ou elle est déjà terminée.

account-two-step = Validation en deux étapes
account-totp-on = Une application d’authentification est configurée : après votre mot de passe, un code vous est demandé.
account-recovery-codes-left = { $count ->
    [one] Il reste { $count } code de récupération.
   *[other] Il reste { $count } codes de récupération.
}
account-new-recovery-codes = Créer de nouveaux codes de récupération
account-remove-totp = Supprimer l’application d’authentification
account-totp-add = Ajoutez une application d’authentification : scannez ce code avec elle, ou saisissez la clé ci-dessous, puis entrez le code à six chiffres qu’elle affiche.
account-totp-key = Clé :
account-totp-code = Code de l’application
account-totp-turn-on = Activer la validation en deux étapes
account-totp-wrong-code = Ce code n’est pas correct. Saisissez le code que votre application affiche maintenant.

account-passkeys = Clés d’accès
account-passkeys-about = Une clé d’accès vous connecte avec le verrouillage d’écran de votre appareil ou une clé de sécurité, sans mot de passe.
account-passkey-used = Ajoutée le { $added } · dernière utilisation le { $used }
account-passkey-never-used = Ajoutée le { $added } · jamais utilisée
account-remove = Supprimer
account-passkey-name = Nom de la nouvelle clé d’accès
account-passkey-default-name = Clé d’accès
account-add-passkey = Ajouter une clé d’accès
account-passkey-duplicate = Cette clé d’accès est déjà enregistrée.
account-passkey-not-added = La clé d’accès n’a pas pu être ajoutée. Veuillez réessayer.
account-sign-in-first-title = Connectez-vous d’abord
account-sign-in-to-add-passkey = Connectez-vous pour ajouter une clé d’accès.
account-last-way-to-sign-in = C’est votre seul moyen de vous connecter. Ajoutez-en un autre (une clé d’accès, un mot de passe ou une connexion liée) avant de le supprimer.

account-upstream-links = Connexions liées
account-upstream-links-about = Ces comptes ailleurs vous connectent ici.
account-upstream-linked = Lié le { $date }

account-forgot-title = Mot de passe oublié
account-forgot-heading = Mot de passe oublié ?
account-forgot-about = Saisissez l’adresse e-mail de votre compte. Si un compte l’utilise, nous y envoyons un lien pour choisir un nouveau mot de passe.
account-forgot-email = Adresse e-mail
account-forgot-send = Envoyer le lien de réinitialisation
account-forgot-not-an-address = Ce n’est pas une adresse e-mail.
account-reset-sent-title = Consultez vos e-mails
account-reset-sent = Si un compte existe pour cette adresse, nous y avons envoyé un lien. Le lien fonctionne une fois, pendant 15 minutes. Consultez votre boîte de réception (et votre dossier de courrier indésirable).
account-reset-title = Choisissez un nouveau mot de passe
account-reset-set = Définir le nouveau mot de passe
account-reset-refused = Ce mot de passe ne peut pas être utilisé : { $reason }
account-reset-done-title = Mot de passe modifié
account-reset-done = Votre mot de passe a été modifié et vous avez été déconnecté partout. Retournez à l’application et connectez-vous avec le nouveau mot de passe.
account-verified-title = Adresse e-mail vérifiée
account-verified = Merci : votre adresse e-mail est vérifiée.

account-link-title = Ce lien ne fonctionne pas
account-link-used = Ce lien a déjà été utilisé. Chaque lien ne fonctionne qu’une fois.
account-link-expired = Ce lien a expiré. Demandez-en un nouveau.
account-link-stale = Ce lien ne fonctionne plus : le compte est désactivé ou son adresse e-mail a changé.
account-link-invalid = Ce lien n’est pas valide. Vérifiez que vous avez copié le lien entier depuis le message, ou demandez-en un nouveau.
