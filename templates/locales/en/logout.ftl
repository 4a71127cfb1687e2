# logout
# The sign-out pages (RP-Initiated Logout). $product is the operator's product name ("Tessera").

logout-title = Sign out
logout-confirm-title = Sign out of { $product }?
logout-confirm-body = You will be signed out of { $product } in this browser.
# $name is the person's display name (or username), $email their email address.
logout-account-with-email = You are signed in as { $name } ({ $email }).
logout-account = You are signed in as { $name }.
# $client is the name of the application that asked for the sign-out.
logout-asked-by = { $client } asked to sign you out.
logout-submit = Sign out
# Leaves without signing out, back to the application when it said where.
logout-stay = Stay signed in
logout-done-title = You are signed out
logout-done-body = You have been signed out of { $product }. You can close this window.
logout-stayed-title = You are still signed in
logout-stayed-body = Nothing changed: you are still signed in to { $product } in this browser.
logout-manage-account = Manage your account

logout-error-invalid-hint = The sign-out request carries an invalid ID token.
logout-error-client-mismatch = The sign-out request names a client the ID token was not issued to.
