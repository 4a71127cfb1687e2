# upstream
upstream-error-not-this-sign-in = La respuesta de { $upstream } no corresponde a este inicio de sesión. Vuelva a la aplicación y empiece de nuevo.
upstream-error-no-account = Su cuenta de { $upstream } no está vinculada a ninguna cuenta aquí y no se puede crear una para ella. Inicie sesión de otra forma o consulte a su administrador.
