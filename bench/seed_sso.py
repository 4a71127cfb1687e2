#!/usr/bin/env python3
"""Signs a person in to SESSIONS separate browser sessions, for the SSO scenario (bench/sso.sh).

usage: seed_sso.py AUTHORIZE_URL TOKEN_URL CLIENT_ID CLIENT_SECRET REDIRECT_URI SCOPE USERNAME
                   PASSWORD SESSIONS OUT_FILE

Each session signs in through the login page and grants the client SCOPE (Tessera remembers the
consent per person, node-oidc-provider per session: either way every session ends with a
remembered grant), then exchanges its code once to check that the flow issues an ID token.
OUT_FILE gets one Cookie header per line: the sessions wrk's SSO flows run in.
"""

import base64
import json
import secrets
import sys
import urllib.parse

from oidc_browser import Browser, pkce_pair


def main():
    authorize, token, client_id, secret, redirect_uri, scope, user, password, n, out = sys.argv[1:11]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    cookies = []
    for _ in range(int(n)):
        browser = Browser()
        verifier, challenge = pkce_pair()
        code = browser.authorize(authorize, {
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
            "scope": scope, "state": secrets.token_urlsafe(8),
            "code_challenge": challenge, "code_challenge_method": "S256",
        }, redirect_uri, user, password)
        status, _, body = browser.fetch(token, urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }).encode(), {"Authorization": f"Basic {basic}"})
        if status != 200 or "id_token" not in json.loads(body):
            sys.exit(f"seed_sso: the code exchange gave no ID token ({status}): {body[:200]}")
        cookies.append(browser.cookie_header())
    with open(out, "w") as f:
        f.write("\n".join(cookies) + "\n")
    print(f"  signed in {len(cookies)} sessions")


if __name__ == "__main__":
    main()
