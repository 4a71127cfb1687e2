login-title = Connexion
login-continue-to = Connectez-vous pour continuer vers { $client }.
login-again = Saisissez à nouveau votre mot de passe pour accéder à votre compte.
login-manage = Connectez-vous pour gérer votre compte.
login-username = Nom d’utilisateur
login-password = Mot de passe
login-submit = Se connecter
login-cancel = Annuler
login-with-upstream = Se connecter avec { $upstream }
login-with-passkey = Se connecter avec une clé d’accès
login-manage-account = Gérer votre compte
login-forgot-password = Mot de passe oublié ?

login-choose-title = Choisir un compte
login-choose-for = Choisissez le compte avec lequel continuer vers { $client }.
login-continue-as-with-email = Continuer en tant que { $name } ({ $email })
login-continue-as = Continuer en tant que { $name }
login-use-another = Utiliser un autre compte

login-error-failed = Le nom d’utilisateur ou le mot de passe est incorrect.
login-error-passkey = Cette clé d’accès n’a pas permis de vous connecter.
login-error-control-characters = Le nom d’utilisateur ou le mot de passe contient des caractères non autorisés.
login-error-replaced = Cette page appartient à une connexion remplacée par une plus récente, peut-être dans un autre onglet. Revenez en arrière et recommencez.
login-error-nothing-waiting = Aucune connexion n’est en cours. Revenez à l’application et recommencez.
login-error-upstream-unreachable = { $upstream } ne répond pas pour le moment. Connectez-vous autrement, ou réessayez dans quelques minutes.
login-error-upstream-refused = La réponse de { $upstream } n’a pas pu être vérifiée. Veuillez réessayer.
login-error-upstream-cancelled = La connexion avec { $upstream } a été annulée ou refusée.
login-error-upstream-failed = { $upstream } n’a pas pu vous connecter. Réessayez, ou connectez-vous autrement.

login-error-no-client-id = L’application n’a pas indiqué qui elle est (client_id manquant).
login-error-unknown-client = L’application n’est pas enregistrée ici.
login-error-unregistered-redirect = L’application a demandé à revenir à une adresse qu’elle n’a pas enregistrée.
login-error-no-redirect-uri = L’application n’a pas indiqué où revenir (redirect_uri manquant).
login-error-request-expired = Cette demande de connexion a expiré ou a déjà été utilisée. Revenez à l’application et recommencez.
