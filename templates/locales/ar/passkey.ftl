# passkey

passkey-title = التأكيد بمفتاح مرور
passkey-asks = يطلب منك { $client } تسجيل الدخول بمفتاح مرور.
passkey-sign-in = تسجيل الدخول بمفتاح مرور
passkey-needs-script = تتطلب مفاتيح المرور تفعيل JavaScript.
passkey-use-password = سجّل الدخول بكلمة المرور بدلًا من ذلك
passkey-script-failed = تعذّر استخدام مفتاح المرور. حاول مرة أخرى أو سجّل الدخول بطريقة أخرى.
passkey-unavailable-title = مفاتيح المرور غير متاحة
passkey-unavailable = لا يمكن لهذا الخادم استخدام مفاتيح المرور. سجّل الدخول بكلمة المرور.
