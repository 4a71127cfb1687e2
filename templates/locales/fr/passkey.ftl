# passkey

passkey-title = Confirmer avec une clé d’accès
passkey-asks = { $client } vous demande de vous connecter avec une clé d’accès.
passkey-sign-in = Se connecter avec une clé d’accès
passkey-needs-script = Les clés d’accès nécessitent JavaScript.
passkey-use-password = Se connecter plutôt avec votre mot de passe
passkey-script-failed = La clé d’accès n’a pas pu être utilisée. Réessayez ou connectez-vous autrement.
passkey-unavailable-title = Les clés d’accès ne sont pas disponibles
passkey-unavailable = Ce serveur ne peut pas utiliser de clés d’accès. Connectez-vous avec votre mot de passe.
