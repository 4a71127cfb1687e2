date-format = { $day } { $month } { $year }
date-time-format = { $date }، { $time } UTC
date-month-1 = يناير
date-month-2 = فبراير
date-month-3 = مارس
date-month-4 = أبريل
date-month-5 = مايو
date-month-6 = يونيو
date-month-7 = يوليو
date-month-8 = أغسطس
date-month-9 = سبتمبر
date-month-10 = أكتوبر
date-month-11 = نوفمبر
date-month-12 = ديسمبر
wait-seconds = { $count ->
    [zero] أقل من ثانية
    [one] ثانية واحدة
    [two] ثانيتان
    [few] { $count } ثوانٍ
   *[other] { $count } ثانية
}
wait-minutes = { $count ->
    [zero] أقل من دقيقة
    [one] دقيقة واحدة
    [two] دقيقتان
    [few] { $count } دقائق
   *[other] { $count } دقيقة
}
common-support = الحصول على مساعدة
common-form-post-title = جارٍ العودة إلى التطبيق
common-form-post-hint = إذا لم يحدث شيء، فاضغط على «متابعة».
common-form-post-continue = متابعة
common-redirect-invalid = عنوان العودة غير صالح.
