# passkey
# Signing in with a passkey (the page an application's step-up request leads to, and the
# messages of the passkey script).

passkey-title = Confirm with a passkey
passkey-asks = { $client } asks you to sign in with a passkey.
passkey-sign-in = Sign in with a passkey
passkey-needs-script = Passkeys need JavaScript.
passkey-use-password = Sign in with your password instead
# Shown by the script when the browser or the authenticator could not use a passkey.
passkey-script-failed = The passkey could not be used. Try again, or sign in another way.
passkey-unavailable-title = Passkeys are not available
passkey-unavailable = This server cannot use passkeys. Sign in with your password.
