# upstream
upstream-error-not-this-sign-in = الرد الوارد من { $upstream } لا يخص عملية تسجيل الدخول هذه. عُد إلى التطبيق وابدأ من جديد.
upstream-error-no-account = حسابك في { $upstream } غير مرتبط بأي حساب هنا، ولا يمكن إنشاء حساب له. سجّل الدخول بطريقة أخرى أو تواصل مع المسؤول.
upstream-error-no-such-option-title = خيار تسجيل الدخول هذا غير موجود
upstream-error-no-such-option = لا يوفّر هذا الخادم طريقة تسجيل الدخول هذه.
upstream-error-unreachable = لا يستجيب { $upstream } حاليًا. حاول مرة أخرى بعد بضع دقائق أو سجّل الدخول بطريقة أخرى.
upstream-error-unverified = تعذّر التحقق من الرد الوارد من { $upstream }. حاول مرة أخرى.
upstream-error-cancelled = أُلغي تسجيل الدخول عبر { $upstream } أو رُفض.
upstream-error-failed = تعذّر على { $upstream } تسجيل دخولك. حاول مرة أخرى أو سجّل الدخول بطريقة أخرى.
upstream-error-used-or-expired = اكتملت عملية تسجيل الدخول هذه من قبل أو انتهت صلاحيتها. عُد إلى التطبيق وابدأ من جديد.
upstream-error-no-account-title = لا يوجد حساب هنا لعملية تسجيل الدخول هذه
upstream-error-disabled-title = هذا الحساب معطّل
upstream-error-disabled = الحساب الذي تخصه عملية تسجيل الدخول هذه معطّل.
