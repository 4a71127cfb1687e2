"""The relying party's steps, done by Authlib: one authorization-code round trip (PKCE, nonce,
state, ID-token validation) and the few raw requests the conformance modules need."""

import base64
import json
import time

import requests
from authlib.integrations.base_client.errors import OAuthError as ClientOAuthError
from authlib.oauth2.rfc6749.errors import OAuth2Error

from harness import ISSUER, REDIRECT_URI, check, oidc_client

OAuthErrors = (ClientOAuthError, OAuth2Error)


class Flow:
    """One completed authorization: the client, what the browser saw, the token response and
    the ID-token claims Authlib validated."""

    def __init__(self, client, request, outcome, token, claims):
        self.client = client
        self.request = request
        self.outcome = outcome
        self.token = token
        self.claims = claims

    @property
    def id_token(self):
        return self.token["id_token"]

    @property
    def access_token(self):
        return self.token["access_token"]


def start(ctx, client_name="py-rp", scope="openid profile email", sign_in=True, redirect_uri=REDIRECT_URI, client=None, **params):
    """Builds the authorization request with Authlib (PKCE S256, state, and a nonce when
    `openid` is asked for) and plays the browser through it. Returns (client, request, outcome).
    Pass `client` to reuse one Authlib client (and its cached JWKS) across requests."""
    client = client or oidc_client(client_name, scope)
    request = client.create_authorization_url(redirect_uri=redirect_uri, **params)
    request["redirect_uri"] = redirect_uri
    outcome = ctx.browser.visit(request["url"], sign_in=sign_in)
    return client, request, outcome


def expect_redirect(outcome, path="/cb"):
    check(outcome.callback is not None, f"OP did not redirect back; page: {outcome.page_title!r}")
    check(outcome.callback[0] == path, f"redirected to {outcome.callback[0]}, expected {path}")
    return outcome.params


def expect_error(outcome, request, allowed):
    """An error redirect (OIDC Core §3.1.2.6) carrying our state and the issuer (RFC 9207)."""
    params = expect_redirect(outcome)
    check("code" not in params, f"a code was issued: {params}")
    check(params.get("error") in allowed, f"error {params.get('error')!r}, expected one of {allowed}")
    check(params.get("state") == request["state"], "state not echoed on the error response")
    check(params.get("iss") == ISSUER, f"iss {params.get('iss')!r} on the error response")
    return params


def expect_stays_at_op(outcome):
    """The OP showed a page of its own and did not send the browser to the client."""
    check(outcome.callback is None, f"OP redirected to the client: {outcome.callback}")
    check(outcome.page_title is not None, "no page shown")


def finish(client, request, outcome):
    """Checks the success response and lets Authlib redeem the code and validate the ID token."""
    params = expect_redirect(outcome)
    check("error" not in params, f"authorization failed: {params}")
    # RFC 9207: the iss response parameter is the issuer.
    check(params.get("iss") == ISSUER, f"iss {params.get('iss')!r} in the authorization response")
    token = client.fetch_access_token(
        redirect_uri=request.get("redirect_uri", REDIRECT_URI),
        authorization_response=outcome.url(),
        state=request["state"],
        code_verifier=request["code_verifier"],
    )
    claims = client.parse_id_token(token, nonce=request.get("nonce"))
    return Flow(client, request, outcome, token, claims)


def login(ctx, client_name="py-rp", scope="openid profile email", **params):
    """A complete code flow; the person signs in if the OP asks."""
    client, request, outcome = start(ctx, client_name, scope, **params)
    return finish(client, request, outcome)


def unverified_claims(jwt):
    """The payload of a JWT, for comparing claims Authlib already validated."""
    return _json_part(jwt, 1)


def jose_header(jwt):
    """The protected header of a JWT."""
    return _json_part(jwt, 0)


def _json_part(jwt, i):
    part = jwt.split(".")[i]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def userinfo(flow, method="GET", place="header"):
    """Calls the userinfo endpoint the discovery document names."""
    url = flow.client.load_server_metadata()["userinfo_endpoint"]
    if place == "header":
        headers = {"Authorization": f"Bearer {flow.access_token}"}
        resp = requests.request(method, url, headers=headers, timeout=10)
    else:
        resp = requests.post(url, data={"access_token": flow.access_token}, timeout=10)
    return resp


def wait_past(seconds):
    """Sleeps so that whole-second timestamps (auth_time, iat) must differ."""
    time.sleep(seconds)
