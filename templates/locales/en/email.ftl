# email: the messages Tessera sends. $host is the server's host name (id.example.com).

## The verification link, after an address is added or changed.

email-verify-subject = Confirm your email address ({ $host })
email-verify-intro = Please confirm that this is your email address for your account at { $host }.
# The text of the link (and, in the plain-text part, the line above it).
email-verify-action = Confirm my email address
email-verify-validity = The link works once, for 24 hours.
email-verify-otherwise = If you did not expect this message, you can ignore it.

## The password-reset link, after "Forgot password?".

email-reset-subject = Reset your password ({ $host })
email-reset-intro = Someone asked to reset the password of your account at { $host }.
email-reset-action = Choose a new password
email-reset-validity = The link works once, for 15 minutes.
email-reset-otherwise = If you did not ask for this, ignore this message: your password stays as it is.
