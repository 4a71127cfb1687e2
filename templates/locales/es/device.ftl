# device

device-title = Conectar un dispositivo
device-intro = Introduzca el código que muestra su dispositivo.
device-code-label = Código
device-continue = Continuar
device-error-wrong = Ese código no es válido. Compruebe el código de su dispositivo e inténtelo de nuevo.
device-error-expired = Ese código ha caducado. Vuelva a empezar en su dispositivo para obtener uno nuevo.
device-error-answered = Ese código ya se ha utilizado. Vuelva a empezar en su dispositivo.
device-error-no-longer-waiting = Este código ha caducado o ya se ha respondido. Vuelva a empezar en su dispositivo.
device-connected-title = Dispositivo conectado
device-connected = Puede volver a su dispositivo. Iniciará sesión en unos segundos.
device-denied-title = Acceso denegado
device-denied = Ha denegado la solicitud. Puede volver a su dispositivo.
