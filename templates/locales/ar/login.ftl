login-title = تسجيل الدخول
login-continue-to = سجّل الدخول للمتابعة إلى { $client }.
login-again = أدخل كلمة المرور مرة أخرى للمتابعة إلى حسابك.
login-manage = سجّل الدخول لإدارة حسابك.
login-username = اسم المستخدم
login-password = كلمة المرور
login-submit = تسجيل الدخول
login-cancel = إلغاء
login-with-upstream = تسجيل الدخول باستخدام { $upstream }
login-with-passkey = تسجيل الدخول باستخدام مفتاح مرور
login-manage-account = إدارة حسابك
login-forgot-password = هل نسيت كلمة المرور؟

login-choose-title = اختر حسابًا
login-choose-for = اختر الحساب الذي تريد المتابعة به إلى { $client }.
login-continue-as-with-email = المتابعة باسم { $name } ({ $email })
login-continue-as = المتابعة باسم { $name }
login-use-another = استخدام حساب آخر

login-error-failed = اسم المستخدم أو كلمة المرور غير صحيحة.
login-error-passkey = تعذّر تسجيل دخولك باستخدام مفتاح المرور هذا.
login-error-control-characters = يحتوي اسم المستخدم أو كلمة المرور على أحرف غير مسموح بها.
login-error-replaced = هذه الصفحة تخص عملية تسجيل دخول حلّت محلها عملية أحدث، ربما في علامة تبويب أخرى. ارجع وابدأ من جديد.
login-error-nothing-waiting = لا توجد عملية تسجيل دخول جارية. ارجع إلى التطبيق وابدأ من جديد.
login-error-upstream-unreachable = لا يستجيب { $upstream } في الوقت الحالي. سجّل الدخول بطريقة أخرى، أو حاول مرة أخرى بعد بضع دقائق.
login-error-upstream-refused = تعذّر التحقق من الرد الوارد من { $upstream }. حاول مرة أخرى.
login-error-upstream-cancelled = أُلغي تسجيل الدخول باستخدام { $upstream } أو رُفض.
login-error-upstream-failed = تعذّر على { $upstream } تسجيل دخولك. حاول مرة أخرى، أو سجّل الدخول بطريقة أخرى.

login-error-no-client-id = لم يذكر التطبيق هويته (المعامل client_id مفقود).
login-error-unknown-client = هذا التطبيق غير مسجّل هنا.
login-error-unregistered-redirect = طلب التطبيق العودة إلى عنوان لم يسجّله.
login-error-no-redirect-uri = لم يذكر التطبيق إلى أين يعود (المعامل redirect_uri مفقود).
login-error-request-expired = انتهت صلاحية طلب تسجيل الدخول هذا أو سبق استخدامه. ارجع إلى التطبيق وابدأ من جديد.
