account-title = حسابك

account-done-password = تم تغيير كلمة المرور. تم تسجيل خروجك من كل مكان آخر.
account-done-email-changed = تم تغيير عنوان بريدك الإلكتروني. اتبع الرابط الذي أرسلناه إليه للتحقق منه.
account-done-verification-sent = أرسلنا رابط تحقق إلى عنوان بريدك الإلكتروني.
account-done-app-revoked = لم يعد بإمكان التطبيق استخدام حسابك.
account-done-signed-out = تم تسجيل الخروج من تلك الجلسة.
account-done-totp-removed = تمت إزالة تطبيق المصادقة ورموز الاسترداد.
account-done-passkey-added = تمت إضافة مفتاح المرور. يمكنك الآن تسجيل الدخول به.
account-done-passkey-removed = تمت إزالة مفتاح المرور.
account-done-upstream-removed = تمت إزالة الربط: لم يعد ذلك الحساب يسجّل دخولك.

account-profile = الملف الشخصي
account-name = الاسم
account-username = اسم المستخدم
account-email = البريد الإلكتروني
account-email-verified = تم التحقق منه
account-email-not-verified = لم يتم التحقق منه
account-email-none = لا يوجد
account-send-verification = إرسال رسالة التحقق
account-new-email = عنوان البريد الإلكتروني الجديد
account-change-email = تغيير البريد الإلكتروني
account-email-invalid = لا يمكن استخدام هذا العنوان: إنه ليس عنوان بريد إلكتروني.
account-email-unusable = لا يمكن استخدام هذا العنوان لحسابك.
account-no-address-to-verify = لا يوجد عنوان غير مُتحقَّق منه لإرسال رابط إليه، أو أن البريد الإلكتروني غير متاح.

account-password = كلمة المرور
account-current-password = كلمة المرور الحالية
account-no-password = تسجّل الدخول عبر مزوّد آخر وليست لديك كلمة مرور هنا بعد؛ يمكنك تعيين واحدة.
account-new-password = كلمة المرور الجديدة
account-confirm-password = كلمة المرور الجديدة مرة أخرى
account-password-hint = تغييرها يسجّل خروجك من جميع الأجهزة الأخرى.
account-change-password = تغيير كلمة المرور
account-current-password-wrong = كلمة المرور الحالية غير صحيحة.
account-passwords-differ = كلمتا المرور الجديدتان غير متطابقتين.
account-password-refused = لا يمكن استخدام كلمة المرور الجديدة: { $reason }
account-password-not-changed = تعذّر تغيير كلمة المرور. يُرجى المحاولة مرة أخرى.
account-username-unusable = لا يمكن تغيير اسم المستخدم لهذا الحساب هنا.

account-password-empty = كلمة المرور فارغة أو تتكوّن من مسافات فقط.
account-password-control = تحتوي كلمة المرور على أحرف تحكّم.
account-password-too-short = { $min ->
    [zero] كلمة المرور قصيرة جدًا (فيها { $has } من الأحرف).
    [one] كلمة المرور قصيرة جدًا: تحتاج إلى حرف واحد على الأقل (فيها { $has }).
    [two] كلمة المرور قصيرة جدًا: تحتاج إلى حرفين على الأقل (فيها { $has }).
    [few] كلمة المرور قصيرة جدًا: تحتاج إلى { $min } أحرف على الأقل (فيها { $has }).
    [many] كلمة المرور قصيرة جدًا: تحتاج إلى { $min } حرفًا على الأقل (فيها { $has }).
   *[other] كلمة المرور قصيرة جدًا: تحتاج إلى { $min } حرف على الأقل (فيها { $has }).
}
account-password-too-long = كلمة المرور طويلة جدًا: الحد الأقصى المسموح به { $max } من الأحرف.
account-password-too-easy = كلمة المرور سهلة التخمين جدًا. تُجرَّب الكلمات الشائعة والأسماء والتواريخ وأنماط لوحة المفاتيح أولًا.
account-password-too-easy-own = كلمة المرور سهلة التخمين جدًا. إنها مبنية على اسم المستخدم أو الاسم أو البريد الإلكتروني للحساب.

account-apps = التطبيقات المتصلة
account-apps-none = لم تسمح لأي تطبيق باستخدام حسابك.
account-app-last-used = آخر استخدام: { $date }
account-app-never-used = آخر استخدام: لم يُستخدم قط
account-revoke = إلغاء الوصول
account-nothing-to-revoke-title = لا يوجد ما يُلغى
account-nothing-to-revoke = لم تسمح لهذا التطبيق باستخدام حسابك، أو أن وصوله أُلغي من قبل.

account-sessions = الجلسات
account-device-on = { $browser } على { $os }
account-device = { $browser }
account-device-unknown = متصفح غير معروف
account-this-browser = هذا المتصفح
account-session-times = سجّل الدخول في { $signed_in } · آخر نشاط في { $last_seen }
account-sign-out = تسجيل الخروج
account-sign-out-everywhere = تسجيل الخروج من كل مكان
account-no-such-session-title = لا توجد جلسة كهذه
account-no-such-session = تلك الجلسة ليست من جلساتك، أو أنها انتهت بالفعل.

account-two-step = التحقق بخطوتين
account-totp-on = تم إعداد تطبيق مصادقة: بعد كلمة المرور يُطلب منك رمز.
account-recovery-codes-left = { $count ->
    [zero] لم يتبقَّ أي رمز استرداد.
    [one] تبقّى رمز استرداد واحد.
    [two] تبقّى رمزا استرداد.
    [few] تبقّت { $count } رموز استرداد.
    [many] تبقّى { $count } رمزًا للاسترداد.
   *[other] تبقّى { $count } رمز استرداد.
}
account-new-recovery-codes = إنشاء رموز استرداد جديدة
account-remove-totp = إزالة تطبيق المصادقة
account-totp-add = أضف تطبيق مصادقة: امسح هذا الرمز به، أو اكتب المفتاح أدناه، ثم أدخل الرمز المكوّن من ستة أرقام الذي يعرضه.
account-totp-key = المفتاح:
account-totp-code = الرمز من التطبيق
account-totp-turn-on = تفعيل التحقق بخطوتين
account-totp-wrong-code = هذا الرمز غير صحيح. أدخل الرمز الذي يعرضه تطبيقك الآن.

account-passkeys = مفاتيح المرور
account-passkeys-about = يسجّل مفتاح المرور دخولك باستخدام قفل شاشة جهازك أو مفتاح أمان، دون كلمة مرور.
account-passkey-used = أُضيف في { $added } · آخر استخدام في { $used }
account-passkey-never-used = أُضيف في { $added } · لم يُستخدم قط
account-remove = إزالة
account-passkey-name = اسم مفتاح المرور الجديد
account-passkey-default-name = مفتاح مرور
account-add-passkey = إضافة مفتاح مرور
account-passkey-duplicate = مفتاح المرور هذا مسجّل بالفعل.
account-passkey-not-added = تعذّرت إضافة مفتاح المرور. حاول مرة أخرى.
account-sign-in-first-title = سجّل الدخول أولًا
account-sign-in-to-add-passkey = سجّل الدخول لإضافة مفتاح مرور.
account-last-way-to-sign-in = هذه هي طريقتك الوحيدة لتسجيل الدخول. أضف طريقة أخرى (مفتاح مرور أو كلمة مرور أو تسجيل دخول مرتبط) قبل إزالتها.

account-upstream-links = عمليات تسجيل الدخول المرتبطة
account-upstream-links-about = هذه الحسابات لدى جهات أخرى تسجّل دخولك هنا.
account-upstream-linked = رُبط في { $date }

account-forgot-title = نسيت كلمة المرور
account-forgot-heading = هل نسيت كلمة المرور؟
account-forgot-about = أدخل عنوان البريد الإلكتروني لحسابك. إذا كان هناك حساب بهذا العنوان، نرسل إليه رابطًا لاختيار كلمة مرور جديدة.
account-forgot-email = عنوان البريد الإلكتروني
account-forgot-send = إرسال رابط إعادة التعيين
account-forgot-not-an-address = هذا ليس عنوان بريد إلكتروني.
account-reset-sent-title = تحقّق من بريدك الإلكتروني
account-reset-sent = إذا كان هناك حساب بهذا العنوان، فقد أرسلنا إليه رابطًا. يعمل الرابط مرة واحدة، لمدة 15 دقيقة. تحقّق من صندوق الوارد (ومن مجلد الرسائل غير المرغوب فيها).
account-reset-title = اختر كلمة مرور جديدة
account-reset-set = تعيين كلمة المرور الجديدة
account-reset-refused = لا يمكن استخدام كلمة المرور هذه: { $reason }
account-reset-done-title = تم تغيير كلمة المرور
account-reset-done = تم تغيير كلمة المرور وتسجيل خروجك من كل مكان. عُد إلى التطبيق وسجّل الدخول بكلمة المرور الجديدة.
account-verified-title = تم التحقق من عنوان البريد الإلكتروني
account-verified = شكرًا لك: تم التحقق من عنوان بريدك الإلكتروني.

account-link-title = هذا الرابط لا يعمل
account-link-used = سبق استخدام هذا الرابط. كل رابط يعمل مرة واحدة فقط.
account-link-expired = انتهت صلاحية هذا الرابط. اطلب رابطًا جديدًا.
account-link-stale = لم يعد هذا الرابط يعمل: الحساب معطّل أو تغيّر عنوان بريده الإلكتروني.
account-link-invalid = هذا الرابط غير صالح. تحقّق من أنك نسخت الرابط كاملًا من الرسالة، أو اطلب رابطًا جديدًا.
