second-factor-title = Bestätigung in zwei Schritten
second-factor-intro = Geben Sie den sechsstelligen Code aus Ihrer Authenticator-App oder einen Ihrer Wiederherstellungscodes ein.
second-factor-code = Code
second-factor-verify = Bestätigen
second-factor-error-wrong = Dieser Code ist falsch oder wurde bereits verwendet. Versuchen Sie den nächsten Code.
second-factor-error-nothing-waiting = Keine Anmeldung wartet auf einen Code. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.
second-factor-error-expired = Diese Anmeldung hat zu lange gedauert und wurde beendet. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.

second-factor-enroll-title = Bestätigung in zwei Schritten einrichten
second-factor-enroll-intro = { $client } verlangt einen zweiten Faktor. Scannen Sie diesen Code mit einer Authenticator-App oder geben Sie den Schlüssel unten ein und dann den sechsstelligen Code, den die App anzeigt.
second-factor-enroll-key = Schlüssel:
second-factor-enroll-code = Code aus der App
second-factor-enroll-submit = Bestätigung in zwei Schritten einschalten
second-factor-error-wrong-new = Dieser Code ist falsch. Geben Sie den Code ein, den Ihre App jetzt anzeigt.
second-factor-error-no-enrolment = Keine Anmeldung wartet auf einen zweiten Faktor. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.

second-factor-recovery-title = Wiederherstellungscodes
second-factor-recovery-enrolled = Ihre Authenticator-App ist eingerichtet. Nach Ihrem Passwort werden Sie nach einem Code gefragt.
second-factor-recovery-intro = Bewahren Sie diese Codes sicher auf. Jeder meldet Sie einmal an, falls Sie Ihre Authenticator-App verlieren. Sie werden nur jetzt angezeigt.
second-factor-recovery-continue = Weiter
