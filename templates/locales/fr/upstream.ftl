# upstream
upstream-error-not-this-sign-in = La réponse de { $upstream } ne correspond pas à cette connexion. Retournez à l’application et recommencez.
upstream-error-no-account = Votre compte { $upstream } n’est lié à aucun compte ici, et aucun ne peut être créé pour lui. Connectez-vous autrement ou contactez votre administrateur.
upstream-error-no-such-option-title = Option de connexion inconnue
upstream-error-no-such-option = Ce serveur ne propose pas ce moyen de connexion.
upstream-error-unreachable = { $upstream } ne répond pas pour le moment. Réessayez dans quelques minutes ou connectez-vous autrement.
upstream-error-unverified = La réponse de { $upstream } n’a pas pu être vérifiée. Réessayez.
upstream-error-cancelled = La connexion avec { $upstream } a été annulée ou refusée.
upstream-error-failed = { $upstream } n’a pas pu vous connecter. Réessayez ou connectez-vous autrement.
upstream-error-used-or-expired = Cette connexion a déjà été effectuée ou a expiré. Retournez à l’application et recommencez.
upstream-error-no-account-title = Aucun compte ici pour cette connexion
upstream-error-disabled-title = Ce compte est désactivé
upstream-error-disabled = Le compte auquel appartient cette connexion est désactivé.
