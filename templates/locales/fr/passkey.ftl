# passkey
