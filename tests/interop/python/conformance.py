"""Modules of the OpenID Foundation conformance suite's OP test plans (Basic OP, Config OP,
RP-Initiated Logout OP), each reproduced as the observable check the suite makes: the function is
named after the module, the registered name is the module's `testName`. Where the suite asks for a
screenshot ("the OP must show an error page"), the check is that the browser stayed at the OP on
one of its pages and never reached the client.

The relying party is Authlib throughout; requests it will not build (a missing redirect_uri, an
unsigned request object) are made by editing the URL it built.
"""

import json
import os
import subprocess
import time
import urllib.parse

import requests

from flows import (
    OAuthErrors,
    b64url,
    expect_error,
    expect_redirect,
    expect_stays_at_op,
    finish,
    jose_header,
    login,
    start,
    unverified_claims,
    userinfo,
    wait_past,
)
from harness import (
    DISCOVERY_URL,
    ISSUER,
    POST_LOGOUT_REDIRECT_URI,
    REDIRECT_URI,
    check,
    module,
    oidc_client,
    session_for,
)

# OIDC Core §3.1.2.6: errors a prompt=none request may get when the person must interact.
UI_REQUIRED = {"login_required", "interaction_required", "consent_required", "account_selection_required"}


def edit_query(url, drop=(), add=None):
    """The URL with some query parameters removed or added."""
    parts = urllib.parse.urlsplit(url)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k not in drop]
    query += list((add or {}).items())
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


# --- Basic OP ------------------------------------------------------------------------------


@module("oidcc-server", "code flow: ID token valid (Authlib), iss/sub/aud/exp/iat/nonce present, token_type Bearer, userinfo sub matches")
def oidcc_server(ctx):
    flow = login(ctx)
    for claim in ("iss", "sub", "aud", "exp", "iat", "nonce", "auth_time"):
        check(claim in flow.claims, f"ID token lacks {claim}")
    check(flow.token["token_type"].lower() == "bearer", "token_type")
    check(flow.claims["exp"] > time.time(), "ID token already expired")
    resp = userinfo(flow)
    check(resp.ok and resp.json()["sub"] == flow.claims["sub"], f"userinfo {resp.status_code}")


@module("oidcc-response-type-missing", "no response_type: error page, or a redirect with invalid_request/unsupported_response_type and state")
def oidcc_response_type_missing(ctx):
    return _refused_without(ctx, "response_type", {"invalid_request", "unsupported_response_type"})


def _refused_without(ctx, param, allowed):
    """An authorization request without `param`: either the OP's error page, or an error
    redirect (with state) whose code is in `allowed`; never a code."""
    client = oidc_client("py-rp")
    request = client.create_authorization_url(redirect_uri=REDIRECT_URI)
    out = ctx.browser.visit(edit_query(request["url"], drop=(param,)))
    if out.callback is None:
        expect_stays_at_op(out)
        return "error page"
    expect_error(out, request, allowed)
    return "error redirect"


@module("oidcc-userinfo-get", "userinfo by GET with the bearer token in the Authorization header")
def oidcc_userinfo_get(ctx):
    return _userinfo(ctx, "GET", "header")


@module("oidcc-userinfo-post-header", "userinfo by POST with the bearer token in the Authorization header")
def oidcc_userinfo_post_header(ctx):
    return _userinfo(ctx, "POST", "header")


@module("oidcc-userinfo-post-body", "userinfo by POST with access_token in the form body (RFC 6750 §2.2)")
def oidcc_userinfo_post_body(ctx):
    return _userinfo(ctx, "POST", "body")


def _userinfo(ctx, method, place):
    flow = login(ctx)
    resp = userinfo(flow, method, place)
    check(resp.status_code == 200, f"userinfo answered {resp.status_code}: {resp.text[:200]}")
    check(resp.headers["Content-Type"].startswith("application/json"), "userinfo is not JSON")
    check(resp.json()["sub"] == flow.claims["sub"], "userinfo sub differs from the ID token's")


@module("oidcc-ensure-request-without-nonce-succeeds-for-code-flow", "code flow without nonce succeeds; the ID token then has no nonce")
def oidcc_ensure_request_without_nonce_succeeds_for_code_flow(ctx):
    client = oidc_client("py-rp")
    request = client.create_authorization_url(redirect_uri=REDIRECT_URI)
    request["url"] = edit_query(request["url"], drop=("nonce",))
    request.pop("nonce")
    flow = finish(client, request, ctx.browser.visit(request["url"]))
    check("nonce" not in flow.claims, "a nonce appeared that nobody sent")


def _scopes(ctx, wanted, expected_claims):
    supported = set(requests.get(DISCOVERY_URL, timeout=10).json()["scopes_supported"])
    scope = [s for s in wanted if s in supported]
    flow = login(ctx, scope=" ".join(["openid"] + scope))
    info = userinfo(flow).json()
    check(info["sub"] == flow.claims["sub"], "userinfo sub differs from the ID token's")
    for s in scope:
        for claim in expected_claims.get(s, ()):
            check(claim in info, f"scope {s}: userinfo lacks {claim}")
    for claim in ("email", "email_verified"):
        if "email" not in scope:
            check(claim not in info, f"{claim} returned without the email scope")
    skipped = [s for s in wanted if s not in supported]
    return f"not in scopes_supported, not requested: {' '.join(skipped)}" if skipped else ""


SCOPE_CLAIMS = {"profile": ("name", "preferred_username"), "email": ("email", "email_verified")}


@module("oidcc-scope-profile", "scope openid profile: userinfo returns the profile claims (name, preferred_username) and not email")
def oidcc_scope_profile(ctx):
    return _scopes(ctx, ["profile"], SCOPE_CLAIMS)


@module("oidcc-scope-email", "scope openid email: userinfo returns email and email_verified")
def oidcc_scope_email(ctx):
    return _scopes(ctx, ["email"], SCOPE_CLAIMS)


@module("oidcc-scope-all", "profile, email, address, phone: those in scopes_supported are requested and their claims returned (the suite skips when one is unsupported)")
def oidcc_scope_all(ctx):
    return _scopes(ctx, ["profile", "email", "address", "phone"], SCOPE_CLAIMS)


@module("oidcc-ensure-other-scope-order-succeeds", "scope values in another order (email openid) work")
def oidcc_ensure_other_scope_order_succeeds(ctx):
    flow = login(ctx, scope="email openid")
    check(userinfo(flow).json().get("email"), "no email for scope 'email openid'")


@module("oidcc-ensure-request-with-unknown-parameter-succeeds", "an unknown authorization parameter is ignored")
def oidcc_ensure_request_with_unknown_parameter_succeeds(ctx):
    login(ctx, extra_param="foo")


@module("oidcc-display-page", "display=page is accepted")
def oidcc_display_page(ctx):
    login(ctx, display="page")


@module("oidcc-prompt-login", "after a sign-in, prompt=login shows the login page again and auth_time changes")
def oidcc_prompt_login(ctx):
    first = login(ctx)
    wait_past(1.5)
    client, request, out = start(ctx, prompt="login")
    check(out.login_shown, "prompt=login did not ask for the password again")
    second = finish(client, request, out)
    check(second.claims["auth_time"] > first.claims["auth_time"], "auth_time did not change")


@module("oidcc-prompt-none-not-logged-in", "prompt=none with nobody signed in: login_required (or another UI-required error) with state")
def oidcc_prompt_none_not_logged_in(ctx):
    client, request, out = start(ctx, prompt="none", sign_in=False)
    check(not out.login_shown, "prompt=none showed a login page")
    expect_error(out, request, UI_REQUIRED)


@module("oidcc-prompt-none-logged-in", "after a sign-in, prompt=none returns a code without showing a page")
def oidcc_prompt_none_logged_in(ctx):
    first = login(ctx)
    client, request, out = start(ctx, prompt="none", sign_in=False)
    second = finish(client, request, out)
    check(second.claims["sub"] == first.claims["sub"], "different sub")


@module("oidcc-max-age-1", "max_age=1 two seconds after sign-in: the password is asked again; auth_time present and later")
def oidcc_max_age_1(ctx):
    first = login(ctx)
    wait_past(2)
    client, request, out = start(ctx, max_age="1")
    check(out.login_shown, "max_age=1 did not ask for the password again")
    second = finish(client, request, out)
    check("auth_time" in second.claims, "no auth_time although max_age was sent")
    check(second.claims["auth_time"] > first.claims["auth_time"], "auth_time not later")
    check(abs(second.claims["auth_time"] - time.time()) < 60, "auth_time is not recent")


@module("oidcc-max-age-10000", "max_age=10000 soon after sign-in: no new login; auth_time present and unchanged")
def oidcc_max_age_10000(ctx):
    first = login(ctx)
    wait_past(1.1)
    client, request, out = start(ctx, max_age="10000", sign_in=False)
    second = finish(client, request, out)
    check("auth_time" in second.claims, "no auth_time although max_age was sent")
    check(second.claims["auth_time"] == first.claims["auth_time"], "auth_time changed")


@module("oidcc-id-token-hint", "after a sign-in, prompt=none with the first ID token as id_token_hint succeeds for the same sub")
def oidcc_id_token_hint(ctx):
    first = login(ctx)
    client, request, out = start(ctx, prompt="none", id_token_hint=first.id_token, sign_in=False)
    second = finish(client, request, out)
    check(second.claims["sub"] == first.claims["sub"], "different sub")


@module("oidcc-login-hint", "login_hint pre-fills the username on the login page")
def oidcc_login_hint(ctx):
    client, request, out = start(ctx, login_hint=ctx.username)
    check(out.login_shown, "no login page")
    check(out.login_prefill == ctx.username, f"username field holds {out.login_prefill!r}")
    finish(client, request, out)


@module("oidcc-codereuse", "a code redeemed twice: the second time invalid_grant, and the first access token is revoked")
def oidcc_codereuse(ctx):
    flow = login(ctx)
    meta = flow.client.load_server_metadata()
    code = flow.outcome.params["code"]
    s = session_for("py-rp")
    try:
        s.fetch_token(
            meta["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            redirect_uri=REDIRECT_URI,
            code_verifier=flow.request["code_verifier"],
        )
        raise AssertionError("the code was accepted twice")
    except OAuthErrors as e:
        check(e.error == "invalid_grant", f"reuse answered {e.error}")
    # RFC 6749 §4.1.2 (SHOULD) and the suite's optional check: the tokens issued are revoked.
    deadline = time.monotonic() + 10
    while userinfo(flow).status_code == 200:
        check(time.monotonic() < deadline, "access token still accepted 10 s after code reuse")
        time.sleep(0.3)


@module("oidcc-ensure-registered-redirect-uri", "an unregistered redirect_uri: an error page, never a redirect")
def oidcc_ensure_registered_redirect_uri(ctx):
    client = oidc_client("py-rp")
    request = client.create_authorization_url(redirect_uri=REDIRECT_URI + "/unregistered")
    out = ctx.browser.visit(request["url"])
    expect_stays_at_op(out)


@module("oidcc-ensure-redirect-uri-in-authorization-request", "no redirect_uri (client has one registered): an error page, or an invalid_request redirect with state; never a code")
def oidcc_ensure_redirect_uri_in_authorization_request(ctx):
    return _refused_without(ctx, "redirect_uri", {"invalid_request", "invalid_request_object"})


@module("oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported", "an alg=none request object: honoured when discovery lists none; refused with request_not_supported when request_parameter_supported is false; otherwise (the OIDF suite skips) refused with invalid_request_object, never a code")
def oidcc_unsigned_request_object_supported_correctly_or_rejected_as_unsupported(ctx):
    client = oidc_client("py-rp")
    request = client.create_authorization_url(redirect_uri=REDIRECT_URI)
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(request["url"]).query))
    header = b64url(json.dumps({"alg": "none"}).encode())
    body = b64url(json.dumps({**params, "iss": params["client_id"], "aud": ISSUER}).encode())
    url = edit_query(request["url"], add={"request": f"{header}.{body}."})
    out = ctx.browser.visit(url)
    meta = client.load_server_metadata()
    supported = meta.get("request_parameter_supported", False)
    if supported and "none" in meta.get("request_object_signing_alg_values_supported", []):
        finish(client, request, out)
        return "supported"
    if supported:
        # Signed request objects only (RFC 9101): the OIDF module skips; an unsigned one must
        # not be honoured.
        expect_error(out, request, {"invalid_request_object"})
        return "signed objects only: rejected with invalid_request_object"
    expect_error(out, request, {"request_not_supported"})
    return "rejected as unsupported"


@module("oidcc-refresh-token", "offline_access + prompt=consent: refresh gives a new access token and an ID token with the same iss/sub/aud; another client's refresh token is refused")
def oidcc_refresh_token(ctx):
    flow = login(ctx, scope="openid profile offline_access", prompt="consent")
    meta = flow.client.load_server_metadata()
    rt = flow.token["refresh_token"]
    check(all(0x20 <= ord(ch) <= 0x7E for ch in rt), "refresh token has characters outside VSCHAR")
    fresh = session_for("py-rp").refresh_token(meta["token_endpoint"], refresh_token=rt)
    first, second = flow.claims, unverified_claims(fresh["id_token"])
    for claim in ("iss", "sub", "aud"):
        check(second[claim] == first[claim], f"refreshed ID token {claim} differs (OIDC Core §12.2)")
    check(second["iat"] >= first["iat"], "refreshed ID token iat is older")
    if "auth_time" in second:
        check(second["auth_time"] == first["auth_time"], "auth_time changed on refresh")
    ok = requests.get(meta["userinfo_endpoint"], headers={"Authorization": f"Bearer {fresh['access_token']}"}, timeout=10)
    check(ok.status_code == 200, "refreshed access token refused at userinfo")
    # The second client's refresh token, presented by the first client.
    ctx.browser.forget()
    other = login(ctx, client_name="py-rp2", scope="openid offline_access", prompt="consent")
    try:
        session_for("py-rp").refresh_token(meta["token_endpoint"], refresh_token=other.token["refresh_token"])
        raise AssertionError("a refresh token worked for a client it was not issued to")
    except OAuthErrors as e:
        check(e.error in {"invalid_grant", "unauthorized_client"}, f"cross-client refresh answered {e.error}")


@module("oidcc-ensure-post-request-succeeds", "the authorization request sent as a form POST works like a GET (OIDC Core §3.1.2.1)")
def oidcc_ensure_post_request_succeeds(ctx):
    client = oidc_client("py-rp")
    request = client.create_authorization_url(redirect_uri=REDIRECT_URI)
    endpoint, _, query = request["url"].partition("?")
    out = ctx.browser.post(endpoint, dict(urllib.parse.parse_qsl(query)))
    finish(client, request, out)


@module("oidcc-ensure-request-with-acr-values-succeeds", "acr_values (not supported) is accepted and ignored")
def oidcc_ensure_request_with_acr_values_succeeds(ctx):
    login(ctx, acr_values="1 2")


@module("oidcc-ensure-request-with-valid-pkce-succeeds", "a request with an S256 code_challenge succeeds and the verifier redeems the code")
def oidcc_ensure_request_with_valid_pkce_succeeds(ctx):
    flow = login(ctx)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(flow.request["url"]).query))
    check(query.get("code_challenge_method") == "S256", "Authlib sent no S256 challenge")


@module("oidcc-id-token-rs256", "the ID token is signed RS256 (the default, OIDC Core §15.1) with a key published in the JWKS")
def oidcc_id_token_rs256(ctx):
    flow = login(ctx)
    header = jose_header(flow.id_token)
    check(header["alg"] == "RS256", f"alg {header['alg']}")
    kids = [k["kid"] for k in flow.client.fetch_jwk_set(force=True)["keys"]]
    check(header.get("kid") in kids, "the signing key is not in the JWKS")


@module("oidcc-id-token-signature", "the ID token signature verifies (Authlib) and 'none' is never offered")
def oidcc_id_token_signature(ctx):
    flow = login(ctx)
    algs = flow.client.load_server_metadata()["id_token_signing_alg_values_supported"]
    check("none" not in algs, "alg none advertised")
    check(jose_header(flow.id_token)["alg"] in algs, "ID token alg not advertised")


QUERY_REDIRECT_URI = REDIRECT_URI + "?foo=bar"


@module("oidcc-redirect-uri-query-ok", "a redirect_uri registered with a query, sent identically: success, the query kept")
def oidcc_redirect_uri_query_ok(ctx):
    flow = login(ctx, client_name="py-rp-query", redirect_uri=QUERY_REDIRECT_URI)
    check(flow.outcome.params.get("foo") == "bar", "the registered query was not kept")


@module("oidcc-redirect-uri-query-mismatch", "a redirect_uri registered with ?foo=bar, sent with ?foo=baz: error page, no redirect")
def oidcc_redirect_uri_query_mismatch(ctx):
    client = oidc_client("py-rp-query")
    request = client.create_authorization_url(redirect_uri=REDIRECT_URI + "?foo=baz")
    expect_stays_at_op(ctx.browser.visit(request["url"]))


@module("oidcc-redirect-uri-query-added", "a query added to a registered redirect_uri: error page, no redirect")
def oidcc_redirect_uri_query_added(ctx):
    client = oidc_client("py-rp")
    request = client.create_authorization_url(redirect_uri=REDIRECT_URI + "?foo=bar")
    expect_stays_at_op(ctx.browser.visit(request["url"]))


# --- Config OP -----------------------------------------------------------------------------


@module("oidcc-discovery-endpoint-verification", "the discovery document: issuer equals the URL it was fetched from, required members present, JWKS reachable with public keys only")
def oidcc_discovery_endpoint_verification(ctx):
    resp = requests.get(DISCOVERY_URL, timeout=10)
    check(resp.status_code == 200, f"discovery answered {resp.status_code}")
    check(resp.headers["Content-Type"].startswith("application/json"), "not JSON")
    meta = resp.json()
    # OIDC Discovery §4.3: the issuer is exactly the URL the document was found under.
    check(meta["issuer"] == ISSUER, f"issuer {meta['issuer']!r} != {ISSUER!r}")
    for member in (
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "response_types_supported",
        "subject_types_supported",
        "id_token_signing_alg_values_supported",
        "userinfo_endpoint",
        "scopes_supported",
        "claims_supported",
    ):
        check(member in meta, f"discovery lacks {member}")
    for member in ("authorization_endpoint", "token_endpoint", "jwks_uri", "userinfo_endpoint", "end_session_endpoint"):
        check(meta[member].startswith(ISSUER + "/"), f"{member} is not under the issuer")
    check("code" in meta["response_types_supported"], "response_type code not listed")
    check("RS256" in meta["id_token_signing_alg_values_supported"], "RS256 not listed (OIDC Core §15.1)")
    check("openid" in meta["scopes_supported"], "openid not in scopes_supported")
    check(set(meta["subject_types_supported"]) <= {"public", "pairwise"}, "unknown subject type")
    for claim in ("sub", "iss", "aud", "exp", "iat"):
        check(claim in meta["claims_supported"], f"{claim} not in claims_supported")
    keys = requests.get(meta["jwks_uri"], timeout=10).json()["keys"]
    check(keys, "empty JWKS")
    for k in keys:
        check({"kty", "kid"} <= k.keys(), f"key without kty/kid: {k.get('kid')}")
        check(not ({"d", "p", "q", "dp", "dq", "qi", "k"} & k.keys()), f"private material in key {k['kid']}")
        check(k.get("use", "sig") == "sig", f"key {k['kid']} is not for signatures")
    check(len({k["kid"] for k in keys}) == len(keys), "duplicate kids")


# --- RP-Initiated Logout OP ----------------------------------------------------------------


def _logout(ctx, flow, hint=True, plr=POST_LOGOUT_REDIRECT_URI, state="long", confirm=True, **extra):
    """Sends the browser to end_session_endpoint. The suite uses a 128-character state."""
    meta = flow.client.load_server_metadata()
    params = {}
    if hint:
        params["id_token_hint"] = flow.id_token if hint is True else hint
    if plr:
        params["post_logout_redirect_uri"] = plr
    if state == "long":
        state = "s" * 64 + b64url(bytes(range(48)))
    if state:
        params["state"] = state
    params.update(extra)
    url = meta["end_session_endpoint"] + "?" + urllib.parse.urlencode(params)
    return state, ctx.browser.visit(url, confirm_logout=confirm)


def _signed_out(ctx):
    """The suite's closing step: a prompt=none request must now need the person."""
    client, request, out = start(ctx, prompt="none", sign_in=False)
    check(not out.login_shown, "prompt=none showed a login page")
    expect_error(out, request, UI_REQUIRED)


def _never_redirected(out):
    check(out.callback is None, f"OP redirected to the client: {out.callback}")
    check(out.page_title is not None, "no page shown")


@module("oidcc-rp-initiated-logout", "logout with id_token_hint, post_logout_redirect_uri and a 128-char state: redirected there with exactly that state; prompt=none then fails")
def oidcc_rp_initiated_logout(ctx):
    flow = login(ctx)
    state, out = _logout(ctx, flow)
    params = expect_redirect(out, "/post_logout_redirect")
    check(params.get("state") == state, "state not returned intact")
    check(set(params) == {"state"}, f"unexpected parameters on the post-logout redirect: {sorted(params)}")
    _signed_out(ctx)


@module("oidcc-rp-initiated-logout-bad-post-logout-redirect-uri", "an unregistered post_logout_redirect_uri is never redirected to, even after confirming")
def oidcc_rp_initiated_logout_bad_post_logout_redirect_uri(ctx):
    flow = login(ctx)
    _, out = _logout(ctx, flow, plr=POST_LOGOUT_REDIRECT_URI.replace("post_logout_redirect", "elsewhere"))
    _never_redirected(out)


@module("oidcc-rp-initiated-logout-modified-id-token-hint", "an id_token_hint re-signed as alg none: no redirect (error page or confirmation)")
def oidcc_rp_initiated_logout_modified_id_token_hint(ctx):
    flow = login(ctx)
    _, payload, _sig = flow.id_token.split(".")
    forged = b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode()) + "." + payload + "."
    _, out = _logout(ctx, flow, hint=forged)
    _never_redirected(out)


@module("oidcc-rp-initiated-logout-bad-id-token-hint", "an id_token_hint with the right claims signed by a key the OP never had: an error page, no redirect")
def oidcc_rp_initiated_logout_bad_id_token_hint(ctx):
    from joserfc import jwt as jose_jwt
    from joserfc.jwk import RSAKey

    flow = login(ctx)
    claims = {k: flow.claims[k] for k in ("iss", "sub", "aud", "exp", "iat")}
    fake = jose_jwt.encode({"alg": "RS256", "kid": "not-ours"}, claims, RSAKey.generate_key(2048))
    _, out = _logout(ctx, flow, hint=fake, confirm=False)
    _never_redirected(out)
    check(not out.confirm_shown, "a forged hint led to the sign-out question instead of an error")


@module("oidcc-rp-initiated-logout-no-id-token-hint", "post_logout_redirect_uri without id_token_hint: no redirect (the person is asked; confirming still does not redirect)")
def oidcc_rp_initiated_logout_no_id_token_hint(ctx):
    flow = login(ctx)
    _, out = _logout(ctx, flow, hint=False, confirm=False)
    check(out.confirm_shown or out.page_title, "neither a confirmation nor an error page")
    _never_redirected(out)
    _, out = _logout(ctx, flow, hint=False, confirm=True)
    _never_redirected(out)


@module("oidcc-rp-initiated-logout-no-post-logout-redirect-uri", "id_token_hint only: signed out on the OP's own page; prompt=none then fails")
def oidcc_rp_initiated_logout_no_post_logout_redirect_uri(ctx):
    flow = login(ctx)
    _, out = _logout(ctx, flow, plr=None)
    _never_redirected(out)
    check("signed out" in out.page_text.lower(), f"no signed-out page: {out.page_title!r}")
    _signed_out(ctx)


@module("oidcc-rp-initiated-logout-no-state", "logout without state: redirected to post_logout_redirect_uri with no state and no other parameters; prompt=none then fails")
def oidcc_rp_initiated_logout_no_state(ctx):
    flow = login(ctx)
    _, out = _logout(ctx, flow, state=None)
    params = expect_redirect(out, "/post_logout_redirect")
    check(params == {}, f"parameters on the post-logout redirect: {params}")
    _signed_out(ctx)


@module("oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri", "post_logout_redirect_uri with ?foo=bar added (not registered): no redirect")
def oidcc_rp_initiated_logout_query_added_to_post_logout_redirect_uri(ctx):
    flow = login(ctx)
    _, out = _logout(ctx, flow, plr=POST_LOGOUT_REDIRECT_URI + "?foo=bar")
    _never_redirected(out)


@module("oidcc-rp-initiated-logout-no-params", "the end_session_endpoint without parameters: the person confirms and is signed out on the OP's page; prompt=none then fails")
def oidcc_rp_initiated_logout_no_params(ctx):
    login(ctx)
    out = ctx.browser.visit(oidc_client("py-rp").load_server_metadata()["end_session_endpoint"], confirm_logout=True)
    _never_redirected(out)
    check("signed out" in out.page_text.lower(), f"no signed-out page: {out.page_title!r}")
    _signed_out(ctx)


@module("oidcc-rp-initiated-logout-only-state", "only state: the person confirms, is signed out on the OP's page, no redirect; prompt=none then fails")
def oidcc_rp_initiated_logout_only_state(ctx):
    login(ctx)
    flow_state = "only-state-" + b64url(b"\x00" * 9)
    url = oidc_client("py-rp").load_server_metadata()["end_session_endpoint"] + "?state=" + flow_state
    out = ctx.browser.visit(url, confirm_logout=True)
    _never_redirected(out)
    check("signed out" in out.page_text.lower(), f"no signed-out page: {out.page_title!r}")
    _signed_out(ctx)



# --- last: changes the server's keys -------------------------------------------------------


@module("oidcc-server-rotate-keys", "after `tessera keys rotate` the same Authlib client validates ID tokens signed by the new key; the old key stays published")
def oidcc_server_rotate_keys(ctx):
    client = oidc_client("py-rp")
    first = login(ctx, client=client)
    old_kid = jose_header(first.id_token)["kid"]
    # The suite asks the operator to rotate; here the operator is the CLI.
    subprocess.run(
        [os.environ["INTEROP_TESSERA"], "--config", os.environ["INTEROP_CONFIG"], "keys", "rotate"],
        check=True, stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
    )
    deadline = time.monotonic() + 30  # the server re-reads keys every keys.reload_interval (5 s)
    while True:
        flow = login(ctx, client=client)
        new_kid = jose_header(flow.id_token)["kid"]
        if new_kid != old_kid:
            break
        check(time.monotonic() < deadline, "still signing with the old key 30 s after rotating")
        time.sleep(1)
    kids = [k["kid"] for k in requests.get(flow.client.load_server_metadata()["jwks_uri"], timeout=10).json()["keys"]]
    check(old_kid in kids, "the retired key left the JWKS while its tokens are valid")
    check(new_kid in kids, "the new key is not published")
