# upstream
upstream-error-not-this-sign-in = The answer from { $upstream } does not belong to this sign-in. Go back to the application and start again.
upstream-error-no-account = Your { $upstream } account is not linked to an account here, and none can be made for it. Sign in another way, or ask your administrator.
upstream-error-no-such-option-title = No such sign-in option
upstream-error-no-such-option = This server has no such way to sign in.
# Shown on the login page; $upstream is the name of the other service ("Corp SSO").
upstream-error-unreachable = { $upstream } is not answering right now. Try again in a few minutes, or sign in another way.
upstream-error-unverified = The answer from { $upstream } could not be verified. Try again.
upstream-error-cancelled = Signing in with { $upstream } was cancelled or refused.
upstream-error-failed = { $upstream } could not sign you in. Try again, or sign in another way.
upstream-error-used-or-expired = This sign-in was completed already or has expired. Go back to the application and start again.
upstream-error-no-account-title = No account here for this sign-in
upstream-error-disabled-title = This account is disabled
upstream-error-disabled = The account this sign-in belongs to is disabled.
