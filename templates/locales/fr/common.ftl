date-format = { $day } { $month } { $year }
date-time-format = { $date } à { $time } UTC
date-month-1 = janvier
date-month-2 = février
date-month-3 = mars
date-month-4 = avril
date-month-5 = mai
date-month-6 = juin
date-month-7 = juillet
date-month-8 = août
date-month-9 = septembre
date-month-10 = octobre
date-month-11 = novembre
date-month-12 = décembre
wait-seconds = { $count ->
    [one] { $count } seconde
   *[other] { $count } secondes
}
wait-minutes = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
common-support = Obtenir de l’aide
common-form-post-title = Retour à l’application
common-form-post-hint = Si rien ne se passe, cliquez sur « Continuer ».
common-form-post-continue = Continuer
common-redirect-invalid = L’adresse de retour n’est pas valide.
