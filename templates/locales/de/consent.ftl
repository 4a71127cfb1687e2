# consent

consent-title = Zugriff erlauben
consent-heading = Zugriff erlauben?
consent-client-logo-alt = Logo von { $client }
consent-unverified = Diese Anwendung hat sich selbst registriert: Sie wurde vom Betreiber dieses Dienstes nicht geprüft. Erlauben Sie den Zugriff nur, wenn Sie ihr vertrauen.
consent-would-like-to = möchte:
consent-privacy-policy = Datenschutzerklärung
consent-terms = Nutzungsbedingungen
consent-device-code = Erlauben Sie dies nur, wenn Ihr Gerät diesen Code anzeigt:
consent-allow = Erlauben
consent-deny = Ablehnen
consent-signed-in-as = Angemeldet als { $username }.
consent-not-you = Nicht Sie?
consent-remembered = Ihre Antwort wird für diese Anwendung gespeichert; sie fragt nur erneut, wenn sie mehr benötigt.
consent-error-choose = Wählen Sie „Erlauben“ oder „Ablehnen“.
consent-error-nothing-waiting = Keine Anfrage wartet auf Ihre Antwort. Kehren Sie zur Anwendung zurück und beginnen Sie erneut.

consent-scope-openid = Bestätigen, wer Sie sind, wenn Sie sich anmelden
consent-scope-profile = Ihren Namen und Benutzernamen sehen
consent-scope-profile-with-name = Ihren Namen und Benutzernamen sehen ({ $name }, { $username })
consent-scope-profile-with-username = Ihren Benutzernamen sehen ({ $username })
consent-scope-email = Ihre E-Mail-Adresse lesen
consent-scope-email-with-value = Ihre E-Mail-Adresse lesen ({ $email })
consent-scope-address = Ihre Postanschrift sehen
consent-scope-phone = Ihre Telefonnummer sehen
consent-scope-offline-access = Verbunden bleiben, auch wenn Sie sie gerade nicht verwenden
consent-scope-roles = Ihre Rollen sehen und was sie Ihnen erlauben
consent-scope-groups = Sehen, zu welchen Gruppen Sie gehören
consent-scope-other = „{ $scope }“ verwenden, eine von diesem Dienst festgelegte Berechtigung
