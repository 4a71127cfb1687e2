email-verify-subject = Confirme su dirección de correo electrónico ({ $host })
email-verify-intro = Confirme que esta es su dirección de correo electrónico para su cuenta en { $host }.
email-verify-action = Confirmar mi dirección de correo electrónico
email-verify-validity = El enlace funciona una vez, durante 24 horas.
email-verify-otherwise = Si no esperaba este mensaje, puede ignorarlo.

email-reset-subject = Restablezca su contraseña ({ $host })
email-reset-intro = Alguien solicitó restablecer la contraseña de su cuenta en { $host }.
email-reset-action = Elegir una nueva contraseña
email-reset-validity = El enlace funciona una vez, durante 15 minutos.
email-reset-otherwise = Si no lo solicitó, ignore este mensaje: su contraseña seguirá siendo la misma.
