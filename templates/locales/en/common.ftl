# Words every page shares: dates, waits, the footer.

# A date: "1 December 2026".
date-format = { $day } { $month } { $year }
# A date and a time of day (24-hour, UTC): "1 December 2026, 09:05 UTC".
date-time-format = { $date }, { $time } UTC
date-month-1 = January
date-month-2 = February
date-month-3 = March
date-month-4 = April
date-month-5 = May
date-month-6 = June
date-month-7 = July
date-month-8 = August
date-month-9 = September
date-month-10 = October
date-month-11 = November
date-month-12 = December

# How long to wait before trying again.
wait-seconds = { $count ->
    [one] { $count } second
   *[other] { $count } seconds
}
wait-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}

# The link at the foot of every page when the operator set [ui] support_url.
common-support = Get help

# The page that carries the answer back to the application (response_mode=form_post); it
# submits itself, the button is for a browser without JavaScript.
common-form-post-title = Returning to the application
common-form-post-hint = If nothing happens, press Continue.
common-form-post-continue = Continue
# An error page: the address Tessera was to send the browser back to is malformed.
common-redirect-invalid = The address to return to is not valid.
