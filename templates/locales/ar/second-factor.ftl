second-factor-title = التحقق بخطوتين
second-factor-intro = أدخل الرمز المكوّن من ستة أرقام من تطبيق المصادقة، أو أحد رموز الاسترداد الخاصة بك.
second-factor-code = الرمز
second-factor-verify = تحقّق
second-factor-error-wrong = هذا الرمز غير صحيح أو سبق استخدامه. جرّب الرمز التالي.
second-factor-error-nothing-waiting = لا توجد عملية تسجيل دخول بانتظار رمز. ارجع إلى التطبيق وابدأ من جديد.
second-factor-error-expired = استغرقت عملية تسجيل الدخول هذه وقتًا طويلًا فأُوقفت. ارجع إلى التطبيق وسجّل الدخول مرة أخرى.

second-factor-enroll-title = إعداد التحقق بخطوتين
second-factor-enroll-intro = يتطلب { $client } عاملًا ثانيًا. امسح هذا الرمز ضوئيًا بتطبيق مصادقة، أو اكتب المفتاح أدناه، ثم أدخل الرمز المكوّن من ستة أرقام الذي يعرضه.
second-factor-enroll-key = المفتاح:
second-factor-enroll-code = الرمز من التطبيق
second-factor-enroll-submit = تفعيل التحقق بخطوتين
second-factor-error-wrong-new = هذا الرمز غير صحيح. أدخل الرمز الذي يعرضه تطبيقك الآن.
second-factor-error-no-enrolment = لا توجد عملية تسجيل دخول بانتظار عامل ثانٍ. ارجع إلى التطبيق وابدأ من جديد.

second-factor-recovery-title = رموز الاسترداد
second-factor-recovery-enrolled = تم إعداد تطبيق المصادقة. سيُطلب منك رمز بعد كلمة المرور.
second-factor-recovery-intro = احتفظ بهذه الرموز في مكان آمن. يتيح لك كل رمز تسجيل الدخول مرة واحدة إذا فقدت تطبيق المصادقة. لن تُعرض إلا الآن.
second-factor-recovery-continue = متابعة
