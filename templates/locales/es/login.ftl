login-title = Iniciar sesión
login-continue-to = Inicie sesión para continuar en { $client }.
login-again = Vuelva a introducir su contraseña para acceder a su cuenta.
login-manage = Inicie sesión para administrar su cuenta.
login-username = Nombre de usuario
login-password = Contraseña
login-submit = Iniciar sesión
login-cancel = Cancelar
login-with-upstream = Iniciar sesión con { $upstream }
login-with-passkey = Iniciar sesión con una llave de acceso
login-manage-account = Administrar su cuenta
login-forgot-password = ¿Ha olvidado su contraseña?

login-choose-title = Elija una cuenta
login-choose-for = Elija la cuenta con la que continuar en { $client }.
login-continue-as-with-email = Continuar como { $name } ({ $email })
login-continue-as = Continuar como { $name }
login-use-another = Usar otra cuenta

login-error-failed = El nombre de usuario o la contraseña no son correctos.
login-error-passkey = Esa llave de acceso no ha podido iniciar su sesión.
login-error-control-characters = El nombre de usuario o la contraseña contienen caracteres no permitidos.
login-error-replaced = Esta página pertenece a un inicio de sesión que fue sustituido por otro más reciente, quizá en otra pestaña. Vuelva atrás y empiece de nuevo.
login-error-nothing-waiting = No hay ningún inicio de sesión en curso. Vuelva a la aplicación y empiece de nuevo.
login-error-upstream-unreachable = { $upstream } no responde en este momento. Inicie sesión de otra forma o vuelva a intentarlo dentro de unos minutos.
login-error-upstream-refused = No se ha podido verificar la respuesta de { $upstream }. Vuelva a intentarlo.
login-error-upstream-cancelled = El inicio de sesión con { $upstream } se canceló o fue rechazado.
login-error-upstream-failed = { $upstream } no ha podido iniciar su sesión. Vuelva a intentarlo o inicie sesión de otra forma.

login-error-no-client-id = La aplicación no indicó quién es (falta client_id).
login-error-unknown-client = La aplicación no está registrada aquí.
login-error-unregistered-redirect = La aplicación pidió volver a una dirección que no ha registrado.
login-error-no-redirect-uri = La aplicación no indicó adónde volver (falta redirect_uri).
login-error-request-expired = Esta solicitud de inicio de sesión ha caducado o ya se ha usado. Vuelva a la aplicación y empiece de nuevo.
