# login
# The login page, the account choice of prompt=select_account, and the errors of an
# authorization request shown as a page.

login-title = Sign in
# $client is the application's name; it is shown in bold.
login-continue-to = Sign in to continue to { $client }.
login-again = Enter your password again to continue to your account.
login-manage = Sign in to manage your account.
login-username = Username
login-password = Password
login-submit = Sign in
# Cancels the application's sign-in request and returns to the application.
login-cancel = Cancel
# $upstream is another identity provider's name ("Sign in with Google").
login-with-upstream = Sign in with { $upstream }
login-with-passkey = Sign in with a passkey
login-manage-account = Manage your account
login-forgot-password = Forgot password?

# prompt=select_account: the person is signed in and chooses whether to go on as themselves.
login-choose-title = Choose an account
# $client is the application's name; it is shown in bold.
login-choose-for = Choose the account to continue to { $client }.
# $name is the person's display name (or username), $email their email address.
login-continue-as-with-email = Continue as { $name } ({ $email })
login-continue-as = Continue as { $name }
login-use-another = Use another account

login-error-failed = The username or password is incorrect.
login-error-passkey = That passkey could not sign you in.
login-error-control-characters = The username or password contains characters that are not allowed.
login-error-replaced = This page belongs to a sign-in that was replaced by a newer one, perhaps in another tab. Go back and start again.
login-error-nothing-waiting = No sign-in is in progress. Go back to the application and start again.
# Another identity provider ($upstream) did not answer.
login-error-upstream-unreachable = { $upstream } is not answering right now. Sign in another way, or try again in a few minutes.
login-error-upstream-refused = The answer from { $upstream } could not be verified. Try again.
login-error-upstream-cancelled = Signing in with { $upstream } was cancelled or refused.
login-error-upstream-failed = { $upstream } could not sign you in. Try again, or sign in another way.

# Errors of an authorization request that cannot be sent back to the application.
login-error-no-client-id = The application did not say who it is (client_id is missing).
login-error-unknown-client = The application is not registered here.
login-error-unregistered-redirect = The application asked to return to an address it has not registered.
login-error-no-redirect-uri = The application did not say where to return (redirect_uri is missing).
# A pushed request (PAR) that expired, or a redirect address that cannot be sent.
login-error-request-expired = This sign-in request has expired or was already used. Go back to the application and start again.
