# consent

consent-title = Permitir el acceso
consent-heading = ¿Permitir el acceso?
consent-client-logo-alt = Logotipo de { $client }
consent-unverified = Esta aplicación se registró por sí misma: el operador de este servicio no la ha verificado. Asegúrese de que confía en ella antes de permitir el acceso.
consent-would-like-to = desea:
consent-privacy-policy = Política de privacidad
consent-terms = Condiciones de uso
consent-device-code = Permítalo solo si su dispositivo muestra este código:
consent-allow = Permitir
consent-deny = Denegar
consent-signed-in-as = Sesión iniciada como { $username }.
consent-not-you = ¿No es usted?
consent-remembered = Su respuesta se recuerda para esta aplicación; solo volverá a preguntar si necesita más.
consent-error-choose = Elija «Permitir» o «Denegar».
consent-error-nothing-waiting = Ninguna solicitud espera su respuesta. Vuelva a la aplicación y empiece de nuevo.

consent-scope-openid = Confirmar quién es usted al iniciar sesión
consent-scope-profile = Ver su nombre y su nombre de usuario
consent-scope-profile-with-name = Ver su nombre y su nombre de usuario ({ $name }, { $username })
consent-scope-profile-with-username = Ver su nombre de usuario ({ $username })
consent-scope-email = Leer su dirección de correo electrónico
consent-scope-email-with-value = Leer su dirección de correo electrónico ({ $email })
consent-scope-address = Ver su dirección postal
consent-scope-phone = Ver su número de teléfono
consent-scope-offline-access = Mantener la conexión cuando no la esté usando
consent-scope-roles = Ver sus roles y lo que le permiten hacer
consent-scope-groups = Ver a qué grupos pertenece
consent-scope-other = Usar «{ $scope }», un permiso definido por este servicio
