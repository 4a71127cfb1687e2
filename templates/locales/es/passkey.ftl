# passkey

passkey-title = Confirmar con una llave de acceso
passkey-asks = { $client } le pide que inicie sesión con una llave de acceso.
passkey-sign-in = Iniciar sesión con una llave de acceso
passkey-needs-script = Las llaves de acceso necesitan JavaScript.
passkey-use-password = Iniciar sesión con su contraseña
passkey-script-failed = No se pudo usar la llave de acceso. Inténtelo de nuevo o inicie sesión de otra forma.
passkey-unavailable-title = Las llaves de acceso no están disponibles
passkey-unavailable = Este servidor no puede usar llaves de acceso. Inicie sesión con su contraseña.
