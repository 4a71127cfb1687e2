email-verify-subject = أكّد عنوان بريدك الإلكتروني ({ $host })
email-verify-intro = يُرجى تأكيد أن هذا هو عنوان بريدك الإلكتروني لحسابك على { $host }.
email-verify-action = تأكيد عنوان بريدي الإلكتروني
email-verify-validity = يعمل الرابط مرة واحدة، لمدة 24 ساعة.
email-verify-otherwise = إذا لم تكن تتوقع هذه الرسالة، يمكنك تجاهلها.

email-reset-subject = إعادة تعيين كلمة المرور ({ $host })
email-reset-intro = طلب شخص ما إعادة تعيين كلمة المرور لحسابك على { $host }.
email-reset-action = اختيار كلمة مرور جديدة
email-reset-validity = يعمل الرابط مرة واحدة، لمدة 15 دقيقة.
email-reset-otherwise = إذا لم تطلب ذلك، فتجاهل هذه الرسالة: ستبقى كلمة المرور كما هي.
