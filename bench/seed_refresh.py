#!/usr/bin/env python3
"""Obtains N refresh tokens through the authorization-code flow, for the refresh scenario.

usage: seed_refresh.py ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI USERNAME PASSWORD N OUT_FILE

Signs in once (the one argon2 verification of the whole benchmark), then reuses the browser
session for N authorization requests (PKCE S256), exchanging each code for tokens. It fills in
whatever forms the server shows generically (a password field gets the credentials; a
`decision` button gets `allow`), so it does not depend on the page layout. Best effort: exits
non-zero with a reason when the flow does not end with a refresh token.
"""

import base64
import hashlib
import html.parser
import http.cookiejar
import json
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}, "password": False})
        elif self.forms and tag in ("input", "button") and a.get("name"):
            form = self.forms[-1]
            if a.get("type") == "password":
                form["password"] = True
            elif tag == "button" or a.get("type") == "submit":
                # Consent: press "allow"; other buttons (deny, cancel) are left unpressed.
                if a.get("value") == "allow":
                    form.setdefault("buttons", {})[a["name"]] = "allow"
            else:
                form["fields"][a["name"]] = a.get("value", "")


def main():
    issuer, client_id, secret, redirect_uri, user, password, n, out = sys.argv[1:9]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    def fetch(url, data=None, headers=None):
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode(errors="replace")

    tokens = []
    for _ in range(int(n)):
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urllib.parse.urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
            "scope": "openid offline_access", "state": secrets.token_urlsafe(8),
            "nonce": secrets.token_urlsafe(8), "code_challenge": challenge,
            "code_challenge_method": "S256", "prompt": "consent",
        })
        url, data, code = f"{issuer}/authorize?{query}", None, None
        for _step in range(12):
            status, headers, body = fetch(url, data)
            data = None
            if status in (301, 302, 303, 307):
                loc = urllib.parse.urljoin(url, headers["Location"])
                if loc.startswith(redirect_uri):
                    q = urllib.parse.parse_qs(urllib.parse.urlparse(loc).query)
                    if "code" not in q:
                        sys.exit(f"seed_refresh: authorization failed: {q}")
                    code = q["code"][0]
                    break
                url = loc
                continue
            parser = Forms()
            parser.feed(body)
            if status != 200 or not parser.forms:
                sys.exit(f"seed_refresh: unexpected page {status} at {url}")
            form = parser.forms[0]
            fields = dict(form["fields"])
            if form["password"]:
                fields.update({"username": user, "password": password})
            fields.update(form.get("buttons", {}))
            url = urllib.parse.urljoin(url, form["action"] or url)
            data = urllib.parse.urlencode(fields).encode()
        if code is None:
            sys.exit("seed_refresh: the flow did not end with a code")
        status, _, body = fetch(f"{issuer}/token", urllib.parse.urlencode({
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
