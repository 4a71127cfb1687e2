# second-factor
# The second sign-in step (a code from an authenticator app), its enrolment, recovery codes.

second-factor-title = Two-step verification
second-factor-intro = Enter the six-digit code from your authenticator app, or one of your recovery codes.
second-factor-code = Code
second-factor-verify = Verify
second-factor-error-wrong = That code is not right, or was used already. Try the next code.
second-factor-error-nothing-waiting = No sign-in is waiting for a code. Go back to the application and start again.
second-factor-error-expired = This sign-in took too long and was stopped. Go back to the application and sign in again.

second-factor-enroll-title = Set up two-step verification
# $client is the application's name; it is shown in bold.
second-factor-enroll-intro = { $client } needs a second factor. Scan this code with an authenticator app, or type the key below, then enter the six-digit code it shows.
# Followed by the secret key, in groups of four characters.
second-factor-enroll-key = Key:
second-factor-enroll-code = Code from the app
second-factor-enroll-submit = Turn on two-step verification
second-factor-error-wrong-new = That code is not right. Enter the code your app shows now.
second-factor-error-no-enrolment = No sign-in is waiting for a second factor. Go back to the application and start again.

second-factor-recovery-title = Recovery codes
second-factor-recovery-enrolled = Your authenticator app is set up. You will be asked for a code after your password.
second-factor-recovery-intro = Keep these codes somewhere safe. Each one signs you in once if you lose your authenticator app. They are shown only now.
second-factor-recovery-continue = Continue
