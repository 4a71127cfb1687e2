email-verify-subject = Confirmez votre adresse e-mail ({ $host })
email-verify-intro = Veuillez confirmer qu’il s’agit bien de votre adresse e-mail pour votre compte sur { $host }.
email-verify-action = Confirmer mon adresse e-mail
email-verify-validity = Le lien fonctionne une fois, pendant 24 heures.
email-verify-otherwise = Si vous n’attendiez pas ce message, vous pouvez l’ignorer.

email-reset-subject = Réinitialisez votre mot de passe ({ $host })
email-reset-intro = Quelqu’un a demandé la réinitialisation du mot de passe de votre compte sur { $host }.
email-reset-action = Choisir un nouveau mot de passe
email-reset-validity = Le lien fonctionne une fois, pendant 15 minutes.
email-reset-otherwise = Si vous n’en avez pas fait la demande, ignorez ce message : votre mot de passe reste inchangé.
