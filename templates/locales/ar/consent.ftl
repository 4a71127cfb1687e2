# consent

consent-title = السماح بالوصول
consent-heading = هل تسمح بالوصول؟
consent-client-logo-alt = شعار { $client }
consent-unverified = سجّل هذا التطبيق نفسه بنفسه: لم يتحقق منه مشغّل هذه الخدمة. تأكد من أنك تثق به قبل أن تسمح له بالوصول.
consent-would-like-to = يطلب ما يلي:
consent-privacy-policy = سياسة الخصوصية
consent-terms = شروط الخدمة
consent-device-code = لا تسمح بذلك إلا إذا كان جهازك يعرض هذا الرمز:
consent-allow = سماح
consent-deny = رفض
consent-signed-in-as = تم تسجيل الدخول باسم { $username }.
consent-not-you = لست أنت؟
consent-remembered = يُحفظ ردك لهذا التطبيق؛ ولن يسألك مرة أخرى إلا إذا احتاج إلى المزيد.
consent-error-choose = اختر «سماح» أو «رفض».
consent-error-nothing-waiting = لا يوجد طلب ينتظر ردك. عُد إلى التطبيق وابدأ من جديد.

consent-scope-openid = تأكيد هويتك عند تسجيل الدخول
consent-scope-profile = الاطلاع على اسمك واسم المستخدم
consent-scope-profile-with-name = الاطلاع على اسمك واسم المستخدم ({ $name }، { $username })
consent-scope-profile-with-username = الاطلاع على اسم المستخدم ({ $username })
consent-scope-email = قراءة عنوان بريدك الإلكتروني
consent-scope-email-with-value = قراءة عنوان بريدك الإلكتروني ({ $email })
consent-scope-address = الاطلاع على عنوانك البريدي
consent-scope-phone = الاطلاع على رقم هاتفك
consent-scope-offline-access = البقاء متصلًا عندما لا تستخدمه
consent-scope-roles = الاطلاع على أدوارك وما تسمح لك به
consent-scope-groups = معرفة المجموعات التي تنتمي إليها
consent-scope-other = استخدام «{ $scope }»، وهو إذن تحدده هذه الخدمة
