"""What every Python interop module shares: the run's settings (from run.sh), Authlib's
framework-free OpenID Connect client, a headless Chromium driven through the system chromedriver,
the relying party's callback listener, and the PASS/FAIL bookkeeping.

Nothing here validates protocol messages itself: ID tokens are checked by Authlib
(`OpenIDMixin.parse_id_token`: signature against the server's JWKS, iss, aud, exp, nonce, at_hash),
PKCE and state by `OAuth2Session`. The modules only assert what a relying party observes.
"""

import json
import os
import queue
import threading
import time
import traceback
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from authlib.integrations.base_client.sync_app import BaseApp, OAuth2Mixin
from authlib.integrations.base_client.sync_openid import OpenIDMixin
from authlib.integrations.requests_client import OAuth2Session
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

ISSUER = os.environ["INTEROP_ISSUER"]
USERNAME = os.environ["INTEROP_USERNAME"]
PASSWORD = os.environ["INTEROP_PASSWORD"]
CALLBACK_PORT = int(os.environ["INTEROP_PY_CALLBACK_PORT"])
with open(os.environ["INTEROP_CLIENTS"], encoding="utf-8") as f:
    CLIENTS = json.load(f)

CALLBACK_BASE = f"http://127.0.0.1:{CALLBACK_PORT}"
REDIRECT_URI = f"{CALLBACK_BASE}/cb"
POST_LOGOUT_REDIRECT_URI = f"{CALLBACK_BASE}/post_logout_redirect"
DISCOVERY_URL = f"{ISSUER}/.well-known/openid-configuration"


class CheckFailed(AssertionError):
    """A module's observable expectation did not hold."""


def check(condition, message):
    """Fails the running module with `message` unless `condition` holds."""
    if not condition:
        raise CheckFailed(message)


# --- Authlib's OpenID Connect client, without a web framework ------------------------------


class _NoFramework:
    """Authlib's app classes hand refreshed tokens to their framework; we keep none."""

    def update_token(self, *args, **kwargs):
        pass


class OIDCClient(OAuth2Mixin, OpenIDMixin, BaseApp):
    """The same mixins Authlib's Flask/Django/Starlette clients are built from, with the
    requests-based OAuth2Session underneath: discovery, PKCE, nonce, ID-token validation."""

    client_cls = OAuth2Session


def oidc_client(name, scope="openid profile email"):
    """An Authlib client for the registered client `name` (see run.sh), configured by discovery."""
    c = CLIENTS[name]
    return OIDCClient(
        _NoFramework(),
        name=name,
        client_id=c["client_id"],
        client_secret=c["client_secret"],
        server_metadata_url=DISCOVERY_URL,
        client_kwargs={
            "scope": scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": c.get("auth_method", "client_secret_basic"),
        },
    )


def session_for(name, **kwargs):
    """A bare Authlib OAuth2Session for `name`, for requests the OIDC client would not build."""
    c = CLIENTS[name]
    return OAuth2Session(
        client_id=c["client_id"],
        client_secret=c["client_secret"],
        token_endpoint_auth_method=c.get("auth_method", "client_secret_basic"),
        **kwargs,
    )


# --- the relying party's callback listener -------------------------------------------------


class CallbackServer:
    """Answers the browser's visits to the redirect and post-logout redirect URIs and keeps
    what arrived, so a module can tell "redirected back" from "stayed at the OP"."""

    def __init__(self, port):
        hits = queue.Queue()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                if self.path == "/favicon.ico":  # the browser's own request, not the OP's redirect
                    self.send_error(404)
                    return
                hits.put(self.path)
                body = b"<!doctype html><title>callback</title><p>callback received</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.hits = hits
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def clear(self):
        while not self.hits.empty():
            self.hits.get_nowait()

    def take(self):
        """The next visit as (path, {param: value}), or None."""
        try:
            path = self.hits.get_nowait()
        except queue.Empty:
            return None
        parsed = urllib.parse.urlsplit(path)
        return parsed.path, dict(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))

    def stop(self):
        self.server.shutdown()


# --- headless Chromium ---------------------------------------------------------------------


class Outcome:
    """What the browser ended on after an authorization or logout request."""

    def __init__(self):
        self.callback = None  # (path, params) when the OP redirected back
        self.login_shown = False
        self.consent_shown = False
        self.login_prefill = None  # the username field's value when the login page showed
        self.page_title = None  # the OP page the browser stayed on, if it did not redirect
        self.page_text = None
        self.confirm_shown = False

    @property
    def params(self):
        return self.callback[1] if self.callback else None

    def url(self):
        """The callback as a URL Authlib can parse."""
        path, params = self.callback
        return f"{CALLBACK_BASE}{path}?{urllib.parse.urlencode(params)}"


class Browser:
    """A person at a browser: signs in and consents when the OP asks, never otherwise."""

    def __init__(self, callbacks):
        self.callbacks = callbacks
        options = webdriver.ChromeOptions()
        for arg in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--window-size=800,900",
        ):
            options.add_argument(arg)
        chromedriver = os.environ.get("INTEROP_CHROMEDRIVER", "/usr/bin/chromedriver")
        self.driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
        self.driver.set_page_load_timeout(30)

    def quit(self):
        self.driver.quit()

    def forget(self):
        """Drops every cookie: the next request comes from a browser nobody has signed in on."""
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})

    def _find(self, css):
        try:
            return self.driver.find_element(By.CSS_SELECTOR, css)
        except NoSuchElementException:
            return None

    def visit(self, url, **person):
        """Opens `url` and plays the person (see `_play`). Returns an [`Outcome`]."""
        self.callbacks.clear()
        self.driver.get(url)
        return self._play(**person)

    def post(self, url, params, **person):
        """Sends the browser to `url` by an auto-submitted form POST, as an RP page would."""
        self.callbacks.clear()
        self.driver.get("about:blank")
        self.driver.execute_script(
            """const [action, params] = arguments;
            const form = document.createElement('form');
            form.method = 'post';
            form.action = action;
            for (const [k, v] of Object.entries(params)) {
              const input = document.createElement('input');
              input.type = 'hidden'; input.name = k; input.value = v;
              form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();""",
            url,
            params,
        )
        return self._play(**person)

    def _play(self, sign_in=True, consent=True, confirm_logout=False, timeout=20):
        """Signs in, consents and confirms sign-out when the OP asks (each at most once), until
        the OP redirects to the relying party or leaves the browser on a page with nothing to do."""
        out = Outcome()
        deadline = time.monotonic() + timeout
        acted = set()
        while time.monotonic() < deadline:
            hit = self.callbacks.take()
            if hit is not None:
                out.callback = hit
                return out
            try:
                password = self._find("input#password")
                allow = self._find("button[name=decision][value=allow]")
                confirm = self._find("button[name=confirm]")
            except WebDriverException:
                time.sleep(0.1)
                continue
            if password is not None and "login" not in acted:
                out.login_shown = True
                username = self._find("input#username")
                out.login_prefill = username.get_attribute("value")
                if not sign_in:
                    return self._stayed(out)
                acted.add("login")
                username.clear()
                username.send_keys(USERNAME)
                password.send_keys(PASSWORD)
                self._find("form button[type=submit]").click()
            elif allow is not None and "consent" not in acted:
                out.consent_shown = True
                if not consent:
                    return self._stayed(out)
                acted.add("consent")
                allow.click()
            elif confirm is not None and "confirm" not in acted:
                out.confirm_shown = True
                if not confirm_logout:
                    return self._stayed(out)
                acted.add("confirm")
                confirm.click()
            elif not self._busy(acted):
                # A page with nothing left to do: give a late redirect a moment, then stop.
                time.sleep(0.5)
                hit = self.callbacks.take()
                if hit is not None:
                    out.callback = hit
                    return out
                return self._stayed(out)
            time.sleep(0.1)
        raise CheckFailed(f"browser still busy after {timeout}s at {self.driver.current_url}")

    def _busy(self, acted):
        """True while the page loads, or while a form we submitted is still showing."""
        try:
            if self.driver.execute_script("return document.readyState") != "complete":
                return True
        except WebDriverException:  # navigating away as we asked
            return True
        return (
            ("login" in acted and self._find("input#password") is not None)
            or ("consent" in acted and self._find("button[name=decision]") is not None)
            or ("confirm" in acted and self._find("button[name=confirm]") is not None)
        )

    def _stayed(self, out):
        out.page_title = self.driver.title
        out.page_text = self.driver.find_element(By.TAG_NAME, "body").text
        check(
            self.driver.current_url.startswith(ISSUER),
            f"browser left the OP for {self.driver.current_url}",
        )
        return out


# --- modules and their results -------------------------------------------------------------

MODULES = []


def module(name, checks):
    """Registers a test function under its OpenID Foundation conformance-suite module name;
    `checks` is the one-line description printed in the README table."""

    def register(fn):
        MODULES.append((name, checks, fn))
        return fn

    return register


def run_modules(modules, ctx, only=None):
    """Runs each module in turn, printing one PASS/FAIL line each; returns {name: (ok, note)}."""
    results = {}
    for name, _checks, fn in modules:
        if only and not any(o in name for o in only):
            continue
        ctx.browser.forget()
        started = time.monotonic()
        try:
            note = fn(ctx) or ""
            results[name] = (True, note)
            print(f"PASS {name} ({time.monotonic() - started:.1f}s){' - ' + note if note else ''}", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the run goes on
            results[name] = (False, f"{type(e).__name__}: {e}")
            print(f"FAIL {name}: {type(e).__name__}: {e}", flush=True)
            if os.environ.get("INTEROP_VERBOSE"):
                traceback.print_exc()
    return results
