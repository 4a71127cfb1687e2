# The error pages every part of Tessera shares. Errors of one page live in that page's file.

error-bad-request-title = This request cannot be completed
error-internal-title = Something went wrong
error-internal = The server could not complete the request. Please try again.
error-unavailable-title = Temporarily unavailable
error-unavailable = The service is temporarily unavailable.
error-not-found-title = Page not found
error-not-found = There is nothing at this address.
# A protocol error shown to a person; $detail is the technical reason, in English.
error-request-invalid = The application sent a request this service cannot accept. Details: { $detail }
error-too-many-title = Too many attempts
error-too-many-sign-ins = Too many sign-in attempts.
error-too-many-user-codes = Too many wrong codes were entered from your network.
error-too-many-resets = Too many password-reset requests.
error-cookies-needed = This page needs cookies enabled.
error-sign-in-replaced = This page belongs to a sign-in that was replaced by a newer one, perhaps in another tab. Go back to the application and start again.
error-no-sign-in = No sign-in is in progress. Go back to the application and start again.
error-form-expired-title = This form has expired
error-form-expired = The form could not be verified. Go back to the application and start again.
# Under every error: how long to wait, when the error says so ($wait is "3 minutes").
error-wait = Please wait { $wait } before trying again.
error-go-back = If you followed a link from an application, go back to it and try again.
# The request id a person can give to support.
error-request-id = Request id: { $id }
