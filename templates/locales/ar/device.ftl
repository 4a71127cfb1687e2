# device

device-title = ربط جهاز
device-intro = أدخل الرمز المعروض على جهازك.
device-code-label = الرمز
device-continue = متابعة
device-error-wrong = هذا الرمز غير صالح. تحقق من الرمز المعروض على جهازك وحاول مرة أخرى.
device-error-expired = انتهت صلاحية هذا الرمز. ابدأ من جديد على جهازك للحصول على رمز جديد.
device-error-answered = سبق استخدام هذا الرمز. ابدأ من جديد على جهازك.
device-error-no-longer-waiting = انتهت صلاحية هذا الرمز أو سبقت الإجابة عنه. ابدأ من جديد على جهازك.
device-connected-title = تم ربط الجهاز
device-connected = يمكنك العودة إلى جهازك. سيتم تسجيل دخوله خلال ثوانٍ.
device-denied-title = تم رفض الوصول
device-denied = لقد رفضت الطلب. يمكنك العودة إلى جهازك.
