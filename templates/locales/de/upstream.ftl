# upstream
upstream-error-not-this-sign-in = Die Antwort von { $upstream } gehört nicht zu dieser Anmeldung. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.
upstream-error-no-account = Ihr { $upstream }-Konto ist mit keinem Konto hier verknüpft, und es kann keines dafür angelegt werden. Melden Sie sich auf andere Weise an oder wenden Sie sich an Ihre Administration.
