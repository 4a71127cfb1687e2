# upstream
upstream-error-not-this-sign-in = الرد الوارد من { $upstream } لا يخص عملية تسجيل الدخول هذه. عُد إلى التطبيق وابدأ من جديد.
upstream-error-no-account = حسابك في { $upstream } غير مرتبط بأي حساب هنا، ولا يمكن إنشاء حساب له. سجّل الدخول بطريقة أخرى أو تواصل مع المسؤول.
