logout-title = Déconnexion
logout-confirm-title = Se déconnecter de { $product } ?
logout-confirm-body = Vous serez déconnecté de { $product } dans ce navigateur.
logout-account-with-email = Vous êtes connecté en tant que { $name } ({ $email }).
logout-account = Vous êtes connecté en tant que { $name }.
logout-asked-by = { $client } a demandé à vous déconnecter.
logout-submit = Se déconnecter
logout-stay = Rester connecté
logout-done-title = Vous êtes déconnecté
logout-done-body = Vous avez été déconnecté de { $product }. Vous pouvez fermer cette fenêtre.
logout-stayed-title = Vous êtes toujours connecté
logout-stayed-body = Rien n’a changé : vous êtes toujours connecté à { $product } dans ce navigateur.
logout-manage-account = Gérer votre compte

logout-error-invalid-hint = La demande de déconnexion contient un jeton d’identité non valide.
logout-error-client-mismatch = La demande de déconnexion nomme un client auquel le jeton d’identité n’a pas été délivré.
