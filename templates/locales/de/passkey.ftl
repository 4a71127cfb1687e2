# passkey

passkey-title = Mit einem Passkey bestätigen
passkey-asks = { $client } bittet Sie, sich mit einem Passkey anzumelden.
passkey-sign-in = Mit einem Passkey anmelden
passkey-needs-script = Passkeys benötigen JavaScript.
passkey-use-password = Stattdessen mit Ihrem Passwort anmelden
passkey-script-failed = Der Passkey konnte nicht verwendet werden. Versuchen Sie es erneut oder melden Sie sich auf andere Weise an.
passkey-unavailable-title = Passkeys sind nicht verfügbar
passkey-unavailable = Dieser Server kann keine Passkeys verwenden. Melden Sie sich mit Ihrem Passwort an.
