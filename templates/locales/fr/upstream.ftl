# upstream
upstream-error-not-this-sign-in = La réponse de { $upstream } ne correspond pas à cette connexion. Retournez à l’application et recommencez.
upstream-error-no-account = Votre compte { $upstream } n’est lié à aucun compte ici, et aucun ne peut être créé pour lui. Connectez-vous autrement ou contactez votre administrateur.
