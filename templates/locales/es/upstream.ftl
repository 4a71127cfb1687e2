# upstream
upstream-error-not-this-sign-in = La respuesta de { $upstream } no corresponde a este inicio de sesión. Vuelva a la aplicación y empiece de nuevo.
upstream-error-no-account = Su cuenta de { $upstream } no está vinculada a ninguna cuenta aquí y no se puede crear una para ella. Inicie sesión de otra forma o consulte a su administrador.
upstream-error-no-such-option-title = Esa opción de inicio de sesión no existe
upstream-error-no-such-option = Este servidor no ofrece esa forma de iniciar sesión.
upstream-error-unreachable = { $upstream } no responde en este momento. Inténtelo de nuevo dentro de unos minutos o inicie sesión de otra forma.
upstream-error-unverified = No se pudo verificar la respuesta de { $upstream }. Inténtelo de nuevo.
upstream-error-cancelled = El inicio de sesión con { $upstream } se canceló o fue rechazado.
upstream-error-failed = { $upstream } no pudo iniciar su sesión. Inténtelo de nuevo o inicie sesión de otra forma.
upstream-error-used-or-expired = Este inicio de sesión ya se completó o ha caducado. Vuelva a la aplicación y empiece de nuevo.
upstream-error-no-account-title = No hay ninguna cuenta aquí para este inicio de sesión
upstream-error-disabled-title = Esta cuenta está desactivada
upstream-error-disabled = La cuenta a la que pertenece este inicio de sesión está desactivada.
