account-title = Ihr Konto

account-done-password = Ihr Passwort wurde geändert. Überall sonst sind Sie jetzt abgemeldet.
account-done-email-changed = Ihre E-Mail-Adresse wurde geändert. Folgen Sie dem Link, den wir an sie gesendet haben, um sie zu bestätigen.
account-done-verification-sent = Wir haben einen Bestätigungslink an Ihre E-Mail-Adresse gesendet.
account-done-app-revoked = Die Anwendung kann Ihr Konto nicht mehr verwenden.
account-done-signed-out = Diese Sitzung wurde abgemeldet.
account-done-totp-removed = Ihre Authenticator-App und Ihre Wiederherstellungscodes wurden entfernt.
account-done-passkey-added = Ihr Passkey wurde hinzugefügt. Sie können sich jetzt damit anmelden.
account-done-passkey-removed = Der Passkey wurde entfernt.
account-done-upstream-removed = Die Verknüpfung wurde entfernt: Mit diesem Konto melden Sie sich nicht mehr an.

account-profile = Profil
account-name = Name
account-username = Benutzername
account-email = E-Mail
account-email-verified = bestätigt
account-email-not-verified = nicht bestätigt
account-email-none = keine
account-send-verification = Bestätigungs-E-Mail senden
account-new-email = Neue E-Mail-Adresse
account-change-email = E-Mail-Adresse ändern
account-email-invalid = Diese Adresse kann nicht verwendet werden: Sie ist keine E-Mail-Adresse.
account-email-unusable = Diese Adresse kann für Ihr Konto nicht verwendet werden.
account-no-address-to-verify = Es gibt keine unbestätigte Adresse, an die ein Link gesendet werden könnte, oder E-Mail ist nicht verfügbar.

account-password = Passwort
account-current-password = Aktuelles Passwort
account-no-password = Sie melden sich über einen anderen Anbieter an und haben hier noch kein Passwort; Sie können eines festlegen.
account-new-password = Neues Passwort
account-confirm-password = Neues Passwort wiederholen
account-password-hint = Eine Änderung meldet Sie auf allen anderen Geräten ab.
account-change-password = Passwort ändern
account-current-password-wrong = Ihr aktuelles Passwort ist nicht korrekt.
account-passwords-differ = Die beiden neuen Passwörter stimmen nicht überein.
account-password-refused = Das neue Passwort kann nicht verwendet werden: { $reason }
account-password-not-changed = Das Passwort konnte nicht geändert werden. Bitte versuchen Sie es erneut.
account-username-unusable = Der Benutzername dieses Kontos kann hier nicht geändert werden.

account-password-empty = Das Passwort ist leer oder besteht nur aus Leerzeichen.
account-password-control = Das Passwort enthält Steuerzeichen.
account-password-too-short = { $min ->
    [one] Das Passwort ist zu kurz: Es braucht mindestens { $min } Zeichen (es hat { $has }).
   *[other] Das Passwort ist zu kurz: Es braucht mindestens { $min } Zeichen (es hat { $has }).
}
account-password-too-long = Das Passwort ist zu lang: Höchstens { $max } Zeichen sind erlaubt.
account-password-too-easy = Das Passwort ist zu leicht zu erraten. Gängige Wörter, Namen, Daten und Tastaturmuster werden zuerst ausprobiert.
account-password-too-easy-own = Das Passwort ist zu leicht zu erraten. Es ist aus dem Benutzernamen, dem Namen oder der E-Mail-Adresse des Kontos gebildet.

account-apps = Verbundene Anwendungen
account-apps-none = Sie haben noch keiner Anwendung erlaubt, Ihr Konto zu verwenden.
account-app-last-used = Zuletzt verwendet: { $date }
account-app-never-used = Zuletzt verwendet: nie
account-revoke = Zugriff entziehen
account-nothing-to-revoke-title = Nichts zu entziehen
account-nothing-to-revoke = Sie haben dieser Anwendung nicht erlaubt, Ihr Konto zu verwenden, oder ihr Zugriff wurde bereits entzogen.

account-sessions = Sitzungen
account-device-on = { $browser } unter { $os }
account-device = { $browser }
account-device-unknown = Unbekannter Browser
account-this-browser = dieser Browser
account-session-times = angemeldet am { $signed_in } · zuletzt aktiv am { $last_seen }
account-sign-out = Abmelden
account-sign-out-everywhere = Überall abmelden
account-no-such-session-title = Keine solche Sitzung
account-no-such-session = Diese Sitzung gehört nicht zu Ihnen, oder sie ist bereits beendet.

account-two-step = Bestätigung in zwei Schritten
account-totp-on = Eine Authenticator-App ist eingerichtet: Nach Ihrem Passwort werden Sie nach einem Code gefragt.
account-recovery-codes-left = { $count ->
    [one] Noch { $count } Wiederherstellungscode.
   *[other] Noch { $count } Wiederherstellungscodes.
}
account-new-recovery-codes = Neue Wiederherstellungscodes erstellen
account-remove-totp = Authenticator-App entfernen
account-totp-add = Authenticator-App hinzufügen: Scannen Sie diesen Code damit oder geben Sie den Schlüssel unten ein, und geben Sie dann den sechsstelligen Code ein, den die App anzeigt.
account-totp-key = Schlüssel:
account-totp-code = Code aus der App
account-totp-turn-on = Bestätigung in zwei Schritten einschalten
account-totp-wrong-code = Dieser Code ist nicht richtig. Geben Sie den Code ein, den Ihre App jetzt anzeigt.

account-passkeys = Passkeys
account-passkeys-about = Mit einem Passkey melden Sie sich über die Bildschirmsperre Ihres Geräts oder einen Sicherheitsschlüssel an, ohne Passwort.
account-passkey-used = Hinzugefügt am { $added } · zuletzt verwendet am { $used }
account-passkey-never-used = Hinzugefügt am { $added } · noch nie verwendet
account-remove = Entfernen
account-passkey-name = Name des neuen Passkeys
account-passkey-default-name = Passkey
account-add-passkey = Passkey hinzufügen
account-passkey-duplicate = Dieser Passkey ist bereits registriert.
account-passkey-not-added = Der Passkey konnte nicht hinzugefügt werden. Versuchen Sie es erneut.
account-sign-in-first-title = Bitte zuerst anmelden
account-sign-in-to-add-passkey = Melden Sie sich an, um einen Passkey hinzuzufügen.
account-last-way-to-sign-in = Dies ist Ihre einzige Möglichkeit, sich anzumelden. Fügen Sie eine weitere hinzu (einen Passkey, ein Passwort oder eine verknüpfte Anmeldung), bevor Sie diese entfernen.

account-upstream-links = Verknüpfte Anmeldungen
account-upstream-links-about = Mit diesen Konten bei anderen Anbietern melden Sie sich hier an.
account-upstream-linked = Verknüpft am { $date }

account-forgot-title = Passwort vergessen
account-forgot-heading = Passwort vergessen?
account-forgot-about = Geben Sie die E-Mail-Adresse Ihres Kontos ein. Wenn ein Konto diese Adresse hat, senden wir dorthin einen Link, mit dem Sie ein neues Passwort wählen können.
account-forgot-email = E-Mail-Adresse
account-forgot-send = Link zum Zurücksetzen senden
account-forgot-not-an-address = Das ist keine E-Mail-Adresse.
account-reset-sent-title = Prüfen Sie Ihre E-Mails
account-reset-sent = Falls es ein Konto mit dieser Adresse gibt, haben wir einen Link an sie gesendet. Der Link funktioniert einmal, 15 Minuten lang. Sehen Sie in Ihrem Posteingang (und im Spam-Ordner) nach.
account-reset-title = Neues Passwort wählen
account-reset-set = Neues Passwort festlegen
account-reset-refused = Dieses Passwort kann nicht verwendet werden: { $reason }
account-reset-done-title = Passwort geändert
account-reset-done = Ihr Passwort wurde geändert, und Sie wurden überall abgemeldet. Kehren Sie zur Anwendung zurück und melden Sie sich mit dem neuen Passwort an.
account-verified-title = E-Mail-Adresse bestätigt
account-verified = Vielen Dank: Ihre E-Mail-Adresse ist bestätigt.

account-link-title = Dieser Link funktioniert nicht
account-link-used = Dieser Link wurde bereits verwendet. Jeder Link funktioniert nur einmal.
account-link-expired = Dieser Link ist abgelaufen. Fordern Sie einen neuen an.
account-link-stale = Dieser Link funktioniert nicht mehr: Das Konto ist deaktiviert, oder seine E-Mail-Adresse wurde geändert.
account-link-invalid = Dieser Link ist ungültig. Prüfen Sie, ob Sie den ganzen Link aus der Nachricht kopiert haben, oder fordern Sie einen neuen an.
