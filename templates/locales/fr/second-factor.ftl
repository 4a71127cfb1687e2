second-factor-title = Validation en deux étapes
second-factor-intro = Saisissez le code à six chiffres de votre application d’authentification, ou l’un de vos codes de récupération.
second-factor-code = Code
second-factor-verify = Valider
second-factor-error-wrong = Ce code est incorrect ou a déjà été utilisé. Essayez le code suivant.
second-factor-error-nothing-waiting = Aucune connexion n’attend de code. Revenez à l’application et recommencez.
second-factor-error-expired = Cette connexion a pris trop de temps et a été interrompue. Revenez à l’application et connectez-vous à nouveau.

second-factor-enroll-title = Configurer la validation en deux étapes
second-factor-enroll-intro = { $client } exige un second facteur. Scannez ce code avec une application d’authentification, ou saisissez la clé ci-dessous, puis saisissez le code à six chiffres qu’elle affiche.
second-factor-enroll-key = Clé :
second-factor-enroll-code = Code de l’application
second-factor-enroll-submit = Activer la validation en deux étapes
second-factor-error-wrong-new = Ce code est incorrect. Saisissez le code que votre application affiche maintenant.
second-factor-error-no-enrolment = Aucune connexion n’attend de second facteur. Revenez à l’application et recommencez.

second-factor-recovery-title = Codes de récupération
second-factor-recovery-enrolled = Votre application d’authentification est configurée. Un code vous sera demandé après votre mot de passe.
second-factor-recovery-intro = Conservez ces codes en lieu sûr. Chacun vous connecte une fois si vous perdez votre application d’authentification. Ils ne sont affichés que maintenant.
second-factor-recovery-continue = Continuer
