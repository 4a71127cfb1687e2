account-title = Su cuenta

account-done-password = Se cambió su contraseña. Se cerró su sesión en todos los demás lugares.
account-done-email-changed = Se cambió su dirección de correo electrónico. Siga el enlace que le enviamos para verificarla.
account-done-verification-sent = Le enviamos un enlace de verificación a su dirección de correo electrónico.
account-done-app-revoked = La aplicación ya no puede usar su cuenta.
account-done-signed-out = Se cerró esa sesión.
account-done-totp-removed = Se eliminaron su aplicación de autenticación y sus códigos de recuperación.
account-done-passkey-added = Se añadió su llave de acceso. Ya puede iniciar sesión con ella.
account-done-passkey-removed = Se eliminó la llave de acceso.
account-done-upstream-removed = Se eliminó el vínculo: esa cuenta ya no inicia su sesión.

account-profile = Perfil
account-name = Nombre
account-username = Nombre de usuario
account-email = Correo electrónico
account-email-verified = verificado
account-email-not-verified = no verificado
account-email-none = ninguno
account-send-verification = Enviar correo de verificación
account-new-email = Nueva dirección de correo electrónico
account-change-email = Cambiar correo electrónico
account-email-invalid = Esta dirección no se puede usar: no es una dirección de correo electrónico.
account-email-unusable = Esta dirección no se puede usar para su cuenta.
account-no-address-to-verify = No hay ninguna dirección sin verificar a la que enviar un enlace, o el correo electrónico no está disponible.

account-password = Contraseña
account-current-password = Contraseña actual
account-no-password = Usted inicia sesión a través de otro proveedor y todavía no tiene contraseña aquí; puede establecer una.
account-new-password = Nueva contraseña
account-confirm-password = Repita la nueva contraseña
account-password-hint = Al cambiarla, se cerrará su sesión en todos los demás dispositivos.
account-change-password = Cambiar contraseña
account-current-password-wrong = Su contraseña actual no es correcta.
account-passwords-differ = Las dos contraseñas nuevas no coinciden.
account-password-refused = La nueva contraseña no se puede usar: { $reason }
account-password-not-changed = No se pudo cambiar la contraseña. Inténtelo de nuevo.
account-username-unusable = El nombre de usuario de esta cuenta no se puede cambiar aquí.

account-password-empty = la contraseña está vacía o solo contiene espacios.
account-password-control = la contraseña contiene caracteres de control.
account-password-too-short = { $min ->
    [one] la contraseña es demasiado corta: necesita al menos { $min } carácter (tiene { $has }).
   *[other] la contraseña es demasiado corta: necesita al menos { $min } caracteres (tiene { $has }).
}
account-password-too-long = la contraseña es demasiado larga: se permiten como máximo { $max } caracteres.
account-password-too-easy = la contraseña es demasiado fácil de adivinar. Las palabras comunes, los nombres, las fechas y las secuencias del teclado se prueban primero.
account-password-too-easy-own = la contraseña es demasiado fácil de adivinar. Está formada a partir del nombre de usuario, el nombre o el correo electrónico de la cuenta.

account-apps = Aplicaciones conectadas
account-apps-none = No ha permitido que ninguna aplicación use su cuenta.
account-app-last-used = Último uso: { $date }
account-app-never-used = Último uso: nunca
account-revoke = Revocar el acceso
account-nothing-to-revoke-title = Nada que revocar
account-nothing-to-revoke = No ha permitido que esta aplicación use su cuenta, o su acceso ya fue revocado.

account-sessions = Sesiones
account-device-on = { $browser } en { $os }
account-device = { $browser }
account-device-unknown = Navegador desconocido
account-this-browser = este navegador
account-session-times = inició sesión el { $signed_in } · última actividad el { $last_seen }
account-sign-out = Cerrar sesión
account-sign-out-everywhere = Cerrar sesión en todas partes
account-no-such-session-title = No existe esa sesión
account-no-such-session = Esa sesión no es suya, o ya ha terminado.

account-two-step = Verificación en dos pasos
account-totp-on = Hay una aplicación de autenticación configurada: después de su contraseña se le pide un código.
account-recovery-codes-left = { $count ->
    [one] Queda { $count } código de recuperación.
   *[other] Quedan { $count } códigos de recuperación.
}
account-new-recovery-codes = Crear nuevos códigos de recuperación
account-remove-totp = Eliminar la aplicación de autenticación
account-totp-add = Añada una aplicación de autenticación: escanee este código con ella o escriba la clave que aparece abajo, y luego introduzca el código de seis dígitos que muestra.
account-totp-key = Clave:
account-totp-code = Código de la aplicación
account-totp-turn-on = Activar la verificación en dos pasos
account-totp-wrong-code = Ese código no es correcto. Introduzca el código que su aplicación muestra ahora.

account-passkeys = Llaves de acceso
account-passkeys-about = Una llave de acceso inicia su sesión con el bloqueo de pantalla de su dispositivo o con una llave de seguridad, sin contraseña.
account-passkey-used = Añadida el { $added } · último uso el { $used }
account-passkey-never-used = Añadida el { $added } · nunca usada
account-remove = Eliminar
account-passkey-name = Nombre de la nueva llave de acceso
account-passkey-default-name = Llave de acceso
account-add-passkey = Añadir una llave de acceso
account-passkey-duplicate = Esa llave de acceso ya está registrada.
account-passkey-not-added = No se pudo añadir la llave de acceso. Inténtelo de nuevo.
account-sign-in-first-title = Inicie sesión primero
account-sign-in-to-add-passkey = Inicie sesión para añadir una llave de acceso.
account-last-way-to-sign-in = Esta es su única forma de iniciar sesión. Añada otra (una llave de acceso, una contraseña o un inicio de sesión vinculado) antes de eliminarla.

account-upstream-links = Inicios de sesión vinculados
account-upstream-links-about = Estas cuentas en otros servicios inician su sesión aquí.
account-upstream-linked = Vinculada el { $date }

account-forgot-title = Contraseña olvidada
account-forgot-heading = ¿Olvidó su contraseña?
account-forgot-about = Introduzca la dirección de correo electrónico de su cuenta. Si una cuenta la tiene, le enviaremos allí un enlace para elegir una nueva contraseña.
account-forgot-email = Dirección de correo electrónico
account-forgot-send = Enviar enlace de restablecimiento
account-forgot-not-an-address = Eso no es una dirección de correo electrónico.
account-reset-sent-title = Revise su correo electrónico
account-reset-sent = Si existe una cuenta con esa dirección, le enviamos un enlace. El enlace funciona una vez, durante 15 minutos. Revise su bandeja de entrada (y su carpeta de spam).
account-reset-title = Elija una nueva contraseña
account-reset-set = Establecer nueva contraseña
account-reset-refused = Esta contraseña no se puede usar: { $reason }
account-reset-done-title = Contraseña cambiada
account-reset-done = Se cambió su contraseña y se cerró su sesión en todas partes. Vuelva a la aplicación e inicie sesión con la nueva contraseña.
account-verified-title = Dirección de correo electrónico verificada
account-verified = Gracias: su dirección de correo electrónico está verificada.

account-link-title = Este enlace no funciona
account-link-used = Este enlace ya se ha usado. Cada enlace funciona una sola vez.
account-link-expired = Este enlace ha caducado. Solicite uno nuevo.
account-link-stale = Este enlace ya no funciona: la cuenta está desactivada o su dirección de correo electrónico cambió.
account-link-invalid = Este enlace no es válido. Compruebe que copió el enlace completo del mensaje, o solicite uno nuevo.
