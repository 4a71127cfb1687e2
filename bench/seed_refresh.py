#!/usr/bin/env python3
"""Obtains N refresh tokens through the authorization-code flow, for the refresh scenario.

usage: seed_refresh.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD N OUT_FILE

Signs in once (the one argon2 verification of the whole benchmark), then reuses the browser
session for N authorization requests (PKCE S256), exchanging each code for tokens. The pages
are filled in by `oidc_browser.py`. Best effort: exits non-zero with a reason when the flow does
not end with a refresh token.
"""

import base64
import json
import secrets
import sys
import urllib.parse

from oidc_browser import Browser, pkce_pair


def main():
    issuer, client_id, secret, redirect_uri, user, password, n, out = sys.argv[1:9]
    browser = Browser()
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    tokens = []
    for _ in range(int(n)):
        verifier, challenge = pkce_pair()
        code = browser.authorize(f"{issuer}/authorize", {
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
            "scope": "openid offline_access", "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8), "code_challenge": challenge,
            "code_challenge_method": "S256", "prompt": "consent",
        }, redirect_uri, user, password)
        status, _, body = browser.fetch(f"{issuer}/token", urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }).encode(), {"Authorization": f"Basic {basic}"})
        refresh = json.loads(body).get("refresh_token") if status == 200 else None
        if not refresh:
            sys.exit(f"seed_refresh: no refresh token from the code exchange ({status})")
        tokens.append(refresh)
    with open(out, "w") as f:
        f.write("\n".join(tokens) + "\n")
    print(f"  seeded {len(tokens)} refresh tokens")


if __name__ == "__main__":
    main()
