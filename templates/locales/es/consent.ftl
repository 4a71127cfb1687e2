# consent
