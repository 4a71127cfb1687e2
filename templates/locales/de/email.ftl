email-verify-subject = Bestätigen Sie Ihre E-Mail-Adresse ({ $host })
email-verify-intro = Bitte bestätigen Sie, dass dies Ihre E-Mail-Adresse für Ihr Konto bei { $host } ist.
email-verify-action = Meine E-Mail-Adresse bestätigen
email-verify-validity = Der Link funktioniert einmal, 24 Stunden lang.
email-verify-otherwise = Wenn Sie diese Nachricht nicht erwartet haben, können Sie sie ignorieren.

email-reset-subject = Passwort zurücksetzen ({ $host })
email-reset-intro = Jemand hat angefordert, das Passwort Ihres Kontos bei { $host } zurückzusetzen.
email-reset-action = Neues Passwort wählen
email-reset-validity = Der Link funktioniert einmal, 15 Minuten lang.
email-reset-otherwise = Wenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht: Ihr Passwort bleibt unverändert.
