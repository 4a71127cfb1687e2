# device

device-title = Gerät verbinden
device-intro = Geben Sie den Code ein, den Ihr Gerät anzeigt.
device-code-label = Code
device-continue = Weiter
device-error-wrong = Dieser Code ist ungültig. Prüfen Sie den Code auf Ihrem Gerät und versuchen Sie es erneut.
device-error-expired = Dieser Code ist abgelaufen. Beginnen Sie auf Ihrem Gerät erneut, um einen neuen zu erhalten.
device-error-answered = Dieser Code wurde bereits verwendet. Beginnen Sie auf Ihrem Gerät erneut.
device-error-no-longer-waiting = Dieser Code ist abgelaufen oder wurde bereits beantwortet. Beginnen Sie auf Ihrem Gerät erneut.
device-connected-title = Gerät verbunden
device-connected = Sie können zu Ihrem Gerät zurückkehren. Es wird in wenigen Sekunden angemeldet.
device-denied-title = Zugriff abgelehnt
device-denied = Sie haben die Anfrage abgelehnt. Sie können zu Ihrem Gerät zurückkehren.
