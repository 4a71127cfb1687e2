date-format = { $day } de { $month } de { $year }
date-time-format = { $date }, { $time } UTC
date-month-1 = enero
date-month-2 = febrero
date-month-3 = marzo
date-month-4 = abril
date-month-5 = mayo
date-month-6 = junio
date-month-7 = julio
date-month-8 = agosto
date-month-9 = septiembre
date-month-10 = octubre
date-month-11 = noviembre
date-month-12 = diciembre
wait-seconds = { $count ->
    [one] { $count } segundo
   *[other] { $count } segundos
}
wait-minutes = { $count ->
    [one] { $count } minuto
   *[other] { $count } minutos
}
common-support = Obtener ayuda
common-form-post-title = Volviendo a la aplicación
common-form-post-hint = Si no ocurre nada, pulse «Continuar».
common-form-post-continue = Continuar
common-redirect-invalid = La dirección de retorno no es válida.
