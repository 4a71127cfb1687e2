# account: the account page (/account), the "Forgot password?" and new-password pages, and the
# pages behind the links in emails.

account-title = Your account

## Notices after a form on the account page succeeded.

account-done-password = Your password was changed. You are signed out everywhere else.
account-done-email-changed = Your email address was changed. Follow the link we sent to it to verify it.
account-done-verification-sent = We sent a verification link to your email address.
account-done-app-revoked = The application can no longer use your account.
account-done-signed-out = That session was signed out.
account-done-totp-removed = Your authenticator app and recovery codes were removed.
account-done-passkey-added = Your passkey was added. You can sign in with it now.
account-done-passkey-removed = The passkey was removed.
account-done-upstream-removed = The link was removed: that account no longer signs you in.

## Profile.

account-profile = Profile
account-name = Name
account-username = Username
account-email = Email
account-email-verified = verified
account-email-not-verified = not verified
# Shown instead of an address when the account has none.
account-email-none = none
account-send-verification = Send verification email
account-new-email = New email address
account-change-email = Change email
account-email-invalid = This address cannot be used: it is not an email address.
# Deliberately vague: saying "someone else has it" would tell who has an account.
account-email-unusable = This address cannot be used for your account.
account-no-address-to-verify = There is no unverified address to send a link to, or email is not available.

## Password.

account-password = Password
account-current-password = Current password
account-no-password = You sign in through another provider and have no password here yet; you may set one.
account-new-password = New password
account-confirm-password = New password again
account-password-hint = Changing it signs you out on every other device.
account-change-password = Change password
account-current-password-wrong = Your current password is incorrect.
account-passwords-differ = The two new passwords are not the same.
# $reason is one of the account-password-… sentences below.
account-password-refused = The new password cannot be used: { $reason }
account-password-not-changed = The password could not be changed. Please try again.
account-username-unusable = This account's username cannot be changed here.

## Why a new password is refused: these follow a colon, so they start in lower case.

account-password-empty = the password is empty or only whitespace.
account-password-control = the password contains control characters.
account-password-too-short = { $min ->
    [one] the password is too short: it needs at least { $min } character (it has { $has }).
   *[other] the password is too short: it needs at least { $min } characters (it has { $has }).
}
account-password-too-long = the password is too long: at most { $max } characters are allowed.
account-password-too-easy = the password is too easy to guess. Common words, names, dates and keyboard patterns are tried first.
account-password-too-easy-own = the password is too easy to guess. It is built from the account's own username, name or email.

## Connected applications.

account-apps = Connected applications
account-apps-none = You have not allowed any application to use your account.
# $date is a date ("1 December 2026").
account-app-last-used = Last used: { $date }
account-app-never-used = Last used: never
account-revoke = Revoke access
account-nothing-to-revoke-title = Nothing to revoke
account-nothing-to-revoke = You have not allowed this application to use your account, or its access was revoked already.

## Sessions.

account-sessions = Sessions
# A browser as listed: "Firefox on Linux".
account-device-on = { $browser } on { $os }
account-device = { $browser }
account-device-unknown = Unknown browser
# Marks the session of the browser showing the page.
account-this-browser = this browser
# $signed_in and $last_seen are a date and time ("1 December 2026, 09:05 UTC").
account-session-times = signed in { $signed_in } · last seen { $last_seen }
account-sign-out = Sign out
account-sign-out-everywhere = Sign out everywhere
account-no-such-session-title = No such session
account-no-such-session = That session is not one of yours, or it has ended already.

## Two-step verification.

account-two-step = Two-step verification
account-totp-on = An authenticator app is set up: after your password you are asked for a code.
account-recovery-codes-left = { $count ->
    [one] { $count } recovery code left.
   *[other] { $count } recovery codes left.
}
account-new-recovery-codes = Make new recovery codes
account-remove-totp = Remove the authenticator app
account-totp-add = Add an authenticator app: scan this code with it, or type the key below, then enter the six-digit code it shows.
# Followed by the secret key, in letters and digits.
account-totp-key = Key:
account-totp-code = Code from the app
account-totp-turn-on = Turn on two-step verification
account-totp-wrong-code = That code is not right. Enter the code your app shows now.

## Passkeys.

account-passkeys = Passkeys
account-passkeys-about = A passkey signs you in with your device's screen lock or a security key, without a password.
# $added and $used are dates.
account-passkey-used = Added { $added } · last used { $used }
account-passkey-never-used = Added { $added } · last used never
account-remove = Remove
account-passkey-name = Name of the new passkey
# The name a passkey gets when the person gives none.
account-passkey-default-name = Passkey
account-add-passkey = Add a passkey
account-passkey-duplicate = That passkey is registered already.
account-passkey-not-added = The passkey could not be added. Try again.
account-sign-in-first-title = Sign in first
account-sign-in-to-add-passkey = Sign in to add a passkey.
account-last-way-to-sign-in = This is your only way to sign in. Add another (a passkey, a password or a linked sign-in) before you remove it.

## Sign-ins through other providers (federation).

account-upstream-links = Linked sign-ins
account-upstream-links-about = These accounts elsewhere sign you in here.
# $date is the date the link was made.
account-upstream-linked = Linked { $date }

## "Forgot password?" and the new-password page a reset link opens.

account-forgot-title = Forgot password
account-forgot-heading = Forgot your password?
account-forgot-about = Enter the email address of your account. If an account has it, we send a link there to choose a new password.
account-forgot-email = Email address
account-forgot-send = Send reset link
account-forgot-not-an-address = That is not an email address.
account-reset-sent-title = Check your email
# The same answer whether or not an account has the address.
account-reset-sent = If an account exists for that address, we sent a link to it. The link works once, for 15 minutes. Check your inbox (and your spam folder).
account-reset-title = Choose a new password
account-reset-set = Set new password
# $reason is one of the account-password-… sentences above.
account-reset-refused = This password cannot be used: { $reason }
account-reset-done-title = Password changed
account-reset-done = Your password has been changed and you have been signed out everywhere. Go back to the application and sign in with the new password.
account-verified-title = Email address verified
account-verified = Thank you: your email address is verified.

## A link from an email that cannot be used.

account-link-title = This link does not work
account-link-used = This link has been used already. Each link works once.
account-link-expired = This link has expired. Ask for a new one.
account-link-stale = This link no longer works: the account is disabled or its email address changed.
account-link-invalid = This link is not valid. Check that you copied the whole link from the message, or ask for a new one.
