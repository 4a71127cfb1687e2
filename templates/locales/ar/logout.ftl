logout-title = تسجيل الخروج
logout-confirm-title = هل تريد تسجيل الخروج من { $product }؟
logout-confirm-body = سيتم تسجيل خروجك من { $product } في هذا المتصفح.
logout-account-with-email = أنت مسجّل الدخول باسم { $name } ({ $email }).
logout-account = أنت مسجّل الدخول باسم { $name }.
logout-asked-by = طلب { $client } تسجيل خروجك.
logout-submit = تسجيل الخروج
logout-stay = البقاء مسجّل الدخول
logout-done-title = تم تسجيل خروجك
logout-done-body = تم تسجيل خروجك من { $product }. يمكنك إغلاق هذه النافذة.
logout-stayed-title = ما زلت مسجّل الدخول
logout-stayed-body = لم يتغير شيء: ما زلت مسجّل الدخول إلى { $product } في هذا المتصفح.
logout-manage-account = إدارة حسابك

logout-error-invalid-hint = يحمل طلب تسجيل الخروج رمز هوية غير صالح.
logout-error-client-mismatch = يذكر طلب تسجيل الخروج تطبيقًا لم يُصدر له رمز الهوية.
