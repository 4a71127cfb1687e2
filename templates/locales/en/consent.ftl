# consent
# The consent page: an application asks to act for the person who is signed in.

consent-title = Allow access
consent-heading = Allow access?
# The alt text of the application's logo.
consent-client-logo-alt = Logo of { $client }
consent-unverified = This application registered itself: it was not verified by the operator of this service. Make sure you trust it before you allow access.
# Follows the application's name, shown just above it: "Photo Printer / would like to:".
consent-would-like-to = would like to:
consent-privacy-policy = Privacy policy
consent-terms = Terms of service
# A device request: followed by the code the device shows, e.g. "WDJB-MJHT".
consent-device-code = Only allow this if your device shows this code:
consent-allow = Allow
consent-deny = Deny
consent-signed-in-as = Signed in as { $username }.
consent-not-you = Not you?
consent-remembered = Your answer is remembered for this application; it asks again only if it needs more.
consent-error-choose = Choose Allow or Deny.
consent-error-nothing-waiting = No request is waiting for your answer. Go back to the application and start again.

## What each scope lets the application do, one line each, in the order shown.
## Values in brackets are what the application will receive.

consent-scope-openid = Confirm who you are when you sign in
consent-scope-profile = See your name and username
# $name: the person's full name; $username: their username.
consent-scope-profile-with-name = See your name and username ({ $name }, { $username })
consent-scope-profile-with-username = See your username ({ $username })
consent-scope-email = Read your email address
consent-scope-email-with-value = Read your email address ({ $email })
consent-scope-address = See your postal address
consent-scope-phone = See your phone number
consent-scope-offline-access = Stay connected when you are not using it
consent-scope-roles = See your roles and what they allow you to do
consent-scope-groups = See which groups you belong to
# A permission this service's operator defined and gave no description; $scope is its name.
consent-scope-other = Use “{ $scope }”, a permission defined by this service
