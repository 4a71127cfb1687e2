logout-title = Abmelden
logout-confirm-title = Von { $product } abmelden?
logout-confirm-body = Sie werden in diesem Browser von { $product } abgemeldet.
logout-account-with-email = Sie sind angemeldet als { $name } ({ $email }).
logout-account = Sie sind angemeldet als { $name }.
logout-asked-by = { $client } möchte Sie abmelden.
logout-submit = Abmelden
logout-stay = Angemeldet bleiben
logout-done-title = Sie sind abgemeldet
logout-done-body = Sie wurden von { $product } abgemeldet. Sie können dieses Fenster schließen.
logout-stayed-title = Sie sind weiterhin angemeldet
logout-stayed-body = Es hat sich nichts geändert: Sie sind in diesem Browser weiterhin bei { $product } angemeldet.
logout-manage-account = Konto verwalten

logout-error-invalid-hint = Die Abmeldeanfrage enthält ein ungültiges ID-Token.
logout-error-client-mismatch = Die Abmeldeanfrage nennt einen Client, für den das ID-Token nicht ausgestellt wurde.
