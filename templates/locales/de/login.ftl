login-title = Anmelden
login-continue-to = Melden Sie sich an, um mit { $client } fortzufahren.
login-again = Geben Sie Ihr Passwort erneut ein, um zu Ihrem Konto zu gelangen.
login-manage = Melden Sie sich an, um Ihr Konto zu verwalten.
login-username = Benutzername
login-password = Passwort
login-submit = Anmelden
login-cancel = Abbrechen
login-with-upstream = Mit { $upstream } anmelden
login-with-passkey = Mit einem Passkey anmelden
login-manage-account = Konto verwalten
login-forgot-password = Passwort vergessen?

login-choose-title = Konto auswählen
login-choose-for = Wählen Sie das Konto, mit dem Sie zu { $client } fortfahren möchten.
login-continue-as-with-email = Weiter als { $name } ({ $email })
login-continue-as = Weiter als { $name }
login-use-another = Anderes Konto verwenden

login-error-failed = Benutzername oder Passwort ist falsch.
login-error-passkey = Mit diesem Passkey konnten Sie nicht angemeldet werden.
login-error-control-characters = Benutzername oder Passwort enthält unzulässige Zeichen.
login-error-replaced = Diese Seite gehört zu einer Anmeldung, die durch eine neuere ersetzt wurde, vielleicht in einem anderen Tab. Gehen Sie zurück und beginnen Sie erneut.
login-error-nothing-waiting = Es läuft keine Anmeldung. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.
login-error-upstream-unreachable = { $upstream } antwortet gerade nicht. Melden Sie sich auf andere Weise an oder versuchen Sie es in einigen Minuten erneut.
login-error-upstream-refused = Die Antwort von { $upstream } konnte nicht überprüft werden. Versuchen Sie es erneut.
login-error-upstream-cancelled = Die Anmeldung mit { $upstream } wurde abgebrochen oder abgelehnt.
login-error-upstream-failed = { $upstream } konnte Sie nicht anmelden. Versuchen Sie es erneut oder melden Sie sich auf andere Weise an.

login-error-no-client-id = Die Anwendung hat nicht angegeben, wer sie ist (client_id fehlt).
login-error-unknown-client = Die Anwendung ist hier nicht registriert.
login-error-unregistered-redirect = Die Anwendung möchte zu einer Adresse zurückkehren, die sie nicht registriert hat.
login-error-no-redirect-uri = Die Anwendung hat nicht angegeben, wohin zurückgekehrt werden soll (redirect_uri fehlt).
login-error-request-expired = Diese Anmeldeanfrage ist abgelaufen oder wurde bereits verwendet. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.
