"""A scripted browser for the bench seeds: signs in and runs authorization requests against any
OpenID provider (Tessera or node-oidc-provider), filling in whatever forms the server shows
generically (a password field gets the credentials, an empty login/username field the user, a
`decision` button `allow`), so it does not depend on the page layout."""

import base64
import hashlib
import html.parser
import http.cookiejar
import secrets
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


def pkce_pair():
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class Browser:
    """One cookie jar: one browser session at the provider."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def fetch(self, url, data=None, headers=None):
        req = urllib.request.Request(url, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode(errors="replace")

    def authorize(self, authorize_url, params, redirect_uri, user, password):
        """Follows an authorization request through whatever pages come, to the code."""
        url, data = f"{authorize_url}?{urllib.parse.urlencode(params)}", None
        for _step in range(12):
            status, headers, body = self.fetch(url, data)
            data = None
            if status in (301, 302, 303, 307):
                loc = urllib.parse.urljoin(url, headers["Location"])
                if loc.startswith(redirect_uri):
                    q = urllib.parse.parse_qs(urllib.parse.urlparse(loc).query)
                    if "code" not in q:
                        raise SystemExit(f"authorization failed: {q}")
                    return q["code"][0]
                url = loc
                continue
            parser = Forms()
            parser.feed(body)
            if status != 200 or not parser.forms:
                raise SystemExit(f"unexpected page {status} at {url}")
            form = parser.forms[0]
            fields = dict(form["fields"])
            for name in ("login", "username"):
                if name in fields and not fields[name]:
                    fields[name] = user
            if form["password"]:
                fields.update({"username": user, "password": password})
            fields.update(form.get("buttons", {}))
            url = urllib.parse.urljoin(url, form["action"] or url)
            data = urllib.parse.urlencode(fields).encode()
        raise SystemExit("the flow did not end with a code")

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)
