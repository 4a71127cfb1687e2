logout-title = Cerrar sesión
logout-confirm-title = ¿Cerrar sesión en { $product }?
logout-confirm-body = Se cerrará su sesión de { $product } en este navegador.
logout-account-with-email = Ha iniciado sesión como { $name } ({ $email }).
logout-account = Ha iniciado sesión como { $name }.
logout-asked-by = { $client } ha solicitado cerrar su sesión.
logout-submit = Cerrar sesión
logout-stay = Mantener la sesión
logout-done-title = Ha cerrado la sesión
logout-done-body = Se ha cerrado su sesión de { $product }. Puede cerrar esta ventana.
logout-stayed-title = Su sesión sigue iniciada
logout-stayed-body = No ha cambiado nada: su sesión de { $product } sigue iniciada en este navegador.
logout-manage-account = Administrar su cuenta

logout-error-invalid-hint = La solicitud de cierre de sesión contiene un token de identidad no válido.
logout-error-client-mismatch = La solicitud de cierre de sesión nombra un cliente al que no se emitió el token de identidad.
