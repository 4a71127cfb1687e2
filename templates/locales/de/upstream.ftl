# upstream
upstream-error-not-this-sign-in = Die Antwort von { $upstream } gehört nicht zu dieser Anmeldung. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.
upstream-error-no-account = Ihr { $upstream }-Konto ist mit keinem Konto hier verknüpft, und es kann keines dafür angelegt werden. Melden Sie sich auf andere Weise an oder wenden Sie sich an Ihre Administration.
upstream-error-no-such-option-title = Keine solche Anmeldeoption
upstream-error-no-such-option = Dieser Server bietet diese Art der Anmeldung nicht an.
upstream-error-unreachable = { $upstream } antwortet gerade nicht. Versuchen Sie es in einigen Minuten erneut oder melden Sie sich auf andere Weise an.
upstream-error-unverified = Die Antwort von { $upstream } konnte nicht überprüft werden. Versuchen Sie es erneut.
upstream-error-cancelled = Die Anmeldung mit { $upstream } wurde abgebrochen oder abgelehnt.
upstream-error-failed = { $upstream } konnte Sie nicht anmelden. Versuchen Sie es erneut oder melden Sie sich auf andere Weise an.
upstream-error-used-or-expired = Diese Anmeldung wurde bereits abgeschlossen oder ist abgelaufen. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.
upstream-error-no-account-title = Kein Konto für diese Anmeldung
upstream-error-disabled-title = Dieses Konto ist deaktiviert
upstream-error-disabled = Das Konto, zu dem diese Anmeldung gehört, ist deaktiviert.
