date-format = { $day }. { $month } { $year }
date-time-format = { $date }, { $time } UTC
date-month-1 = Januar
date-month-2 = Februar
date-month-3 = März
date-month-4 = April
date-month-5 = Mai
date-month-6 = Juni
date-month-7 = Juli
date-month-8 = August
date-month-9 = September
date-month-10 = Oktober
date-month-11 = November
date-month-12 = Dezember
wait-seconds = { $count ->
    [one] { $count } Sekunde
   *[other] { $count } Sekunden
}
wait-minutes = { $count ->
    [one] { $count } Minute
   *[other] { $count } Minuten
}
common-support = Hilfe
common-form-post-title = Zurück zur Anwendung
common-form-post-hint = Falls nichts geschieht, klicken Sie auf „Weiter“.
common-form-post-continue = Weiter
common-redirect-invalid = Die Rücksprungadresse ist ungültig.
