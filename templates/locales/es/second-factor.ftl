second-factor-title = Verificación en dos pasos
second-factor-intro = Introduzca el código de seis dígitos de su aplicación de autenticación o uno de sus códigos de recuperación.
second-factor-code = Código
second-factor-verify = Verificar
second-factor-error-wrong = Ese código no es correcto o ya se ha usado. Pruebe con el siguiente código.
second-factor-error-nothing-waiting = Ningún inicio de sesión está esperando un código. Vuelva a la aplicación y empiece de nuevo.
second-factor-error-expired = Este inicio de sesión tardó demasiado y se detuvo. Vuelva a la aplicación e inicie sesión de nuevo.

second-factor-enroll-title = Configurar la verificación en dos pasos
second-factor-enroll-intro = { $client } necesita un segundo factor. Escanee este código con una aplicación de autenticación o escriba la clave de abajo y, después, introduzca el código de seis dígitos que muestre.
second-factor-enroll-key = Clave:
second-factor-enroll-code = Código de la aplicación
second-factor-enroll-submit = Activar la verificación en dos pasos
second-factor-error-wrong-new = Ese código no es correcto. Introduzca el código que muestra ahora su aplicación.
second-factor-error-no-enrolment = Ningún inicio de sesión está esperando un segundo factor. Vuelva a la aplicación y empiece de nuevo.

second-factor-recovery-title = Códigos de recuperación
second-factor-recovery-enrolled = Su aplicación de autenticación está configurada. Se le pedirá un código después de su contraseña.
second-factor-recovery-intro = Guarde estos códigos en un lugar seguro. Cada uno le permite iniciar sesión una vez si pierde su aplicación de autenticación. Solo se muestran ahora.
second-factor-recovery-continue = Continuar
