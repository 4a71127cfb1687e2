# device

device-title = Connecter un appareil
device-intro = Saisissez le code affiché sur votre appareil.
device-code-label = Code
device-continue = Continuer
device-error-wrong = Ce code n’est pas valide. Vérifiez le code affiché sur votre appareil et réessayez.
device-error-expired = Ce code a expiré. Recommencez sur votre appareil pour en obtenir un nouveau.
device-error-answered = Ce code a déjà été utilisé. Recommencez sur votre appareil.
device-error-no-longer-waiting = Ce code a expiré ou a déjà reçu une réponse. Recommencez sur votre appareil.
device-connected-title = Appareil connecté
device-connected = Vous pouvez retourner sur votre appareil. Il sera connecté dans quelques secondes.
device-denied-title = Accès refusé
device-denied = Vous avez refusé la demande. Vous pouvez retourner sur votre appareil.
