"""Authlib as a relying party, feature by feature: discovery, authorization code with PKCE and
nonce, ID-token validation, userinfo, refresh, client credentials, introspection, revocation and
RP-initiated logout. Each is a module of its own so a failure names the feature."""

import time

from flows import OAuthErrors, expect_error, login, start, unverified_claims
from harness import (
    CLIENTS,
    ISSUER,
    POST_LOGOUT_REDIRECT_URI,
    check,
    module,
    oidc_client,
    session_for,
)


@module("authlib-discovery", "Authlib loads the discovery document and the JWKS it names")
def authlib_discovery(ctx):
    client = oidc_client("py-rp")
    meta = client.load_server_metadata()
    check(meta["issuer"] == ISSUER, f"issuer {meta['issuer']!r}")
    keys = client.fetch_jwk_set()["keys"]
    check(keys and all("kid" in k for k in keys), "JWKS without keys or kids")
    return f"{len(keys)} keys"


@module("authlib-code-pkce-nonce", "code flow with PKCE S256, state and nonce; Authlib validates the ID token (signature, iss, aud, exp, nonce, at_hash)")
def authlib_code_flow(ctx):
    flow = login(ctx)
    check("code_challenge=" in flow.request["url"], "Authlib did not send a PKCE challenge")
    check(flow.claims["nonce"] == flow.request["nonce"], "nonce")
    check(flow.claims["aud"] == CLIENTS["py-rp"]["client_id"], "aud")
    check("at_hash" in flow.claims, "no at_hash to bind the access token")
    check(flow.token["token_type"].lower() == "bearer", "token_type")


@module("authlib-userinfo", "Authlib's userinfo() with the access token; sub matches the ID token")
def authlib_userinfo(ctx):
    flow = login(ctx)
    info = flow.client.userinfo(token=flow.token)
    check(info["sub"] == flow.claims["sub"], "userinfo sub differs from the ID token's")
    check(info.get("preferred_username") == ctx.username, "preferred_username")


@module("authlib-refresh", "Authlib refreshes (rotation: the old refresh token is then refused)")
def authlib_refresh(ctx):
    flow = login(ctx, scope="openid profile offline_access")
    meta = flow.client.load_server_metadata()
    s = session_for("py-rp")
    old = flow.token["refresh_token"]
    new = s.refresh_token(meta["token_endpoint"], refresh_token=old)
    check(new["refresh_token"] != old, "refresh token not rotated")
    check(unverified_claims(new["id_token"])["sub"] == flow.claims["sub"], "refreshed ID token sub")
    try:
        s.refresh_token(meta["token_endpoint"], refresh_token=old)
    except OAuthErrors as e:
        check(e.error == "invalid_grant", f"reuse answered {e.error}")
    else:
        raise AssertionError("a used refresh token was accepted again")


@module("authlib-client-credentials", "client_credentials grant with client_secret_basic; the access token is a JWT for the client")
def authlib_client_credentials(ctx):
    meta = oidc_client("py-rp").load_server_metadata()
    s = session_for("py-svc", scope="interop:read")
    token = s.fetch_token(meta["token_endpoint"], grant_type="client_credentials")
    claims = unverified_claims(token["access_token"])
    check(claims["sub"] == CLIENTS["py-svc"]["client_id"], "sub is not the client_id")
    check("refresh_token" not in token and "id_token" not in token, "extra tokens issued")


@module("authlib-introspection", "RFC 7662 introspection through Authlib: active token described, garbage inactive")
def authlib_introspection(ctx):
    flow = login(ctx)
    meta = flow.client.load_server_metadata()
    s = session_for("py-rp")
    resp = s.introspect_token(meta["introspection_endpoint"], token=flow.access_token)
    body = resp.json()
    check(resp.status_code == 200 and body.get("active") is True, f"introspection: {body}")
    check(body.get("sub") == flow.claims["sub"], "introspected sub")
    check(body.get("client_id") == CLIENTS["py-rp"]["client_id"], "introspected client_id")
    resp = s.introspect_token(meta["introspection_endpoint"], token="not-a-token")
    check(resp.json() == {"active": False}, f"garbage introspected as {resp.json()}")


@module("authlib-revocation", "RFC 7009 revocation through Authlib: the refresh token and its access tokens stop working")
def authlib_revocation(ctx):
    flow = login(ctx, scope="openid offline_access")
    meta = flow.client.load_server_metadata()
    s = session_for("py-rp")
    resp = s.revoke_token(
        meta["revocation_endpoint"], token=flow.token["refresh_token"], token_type_hint="refresh_token"
    )
    check(resp.status_code == 200, f"revocation answered {resp.status_code}")
    try:
        s.refresh_token(meta["token_endpoint"], refresh_token=flow.token["refresh_token"])
        raise AssertionError("a revoked refresh token still works")
    except OAuthErrors as e:
        check(e.error == "invalid_grant", f"revoked refresh answered {e.error}")
    # Revocations reach the in-memory list within about a second; allow a loaded machine more.
    deadline = time.monotonic() + 10
    while True:
        active = s.introspect_token(meta["introspection_endpoint"], token=flow.access_token).json()["active"]
        if not active:
            break
        check(time.monotonic() < deadline, "access token still active 10 s after revoking its family")
        time.sleep(0.3)


@module("authlib-logout", "Authlib's create_logout_url: signed out, sent to the post_logout_redirect_uri with state")
def authlib_logout(ctx):
    flow = login(ctx)
    logout = flow.client.create_logout_url(
        post_logout_redirect_uri=POST_LOGOUT_REDIRECT_URI, id_token_hint=flow.id_token
    )
    out = ctx.browser.visit(logout["url"])
    check(out.callback is not None, f"no redirect after logout; page {out.page_title!r}")
    path, params = out.callback
    check(path == "/post_logout_redirect", f"redirected to {path}")
    check(params == {"state": logout["state"]}, f"post-logout parameters {params}")
    # The browser session is gone: a silent request now needs the person again.
    client, request, out = start(ctx, prompt="none")
    expect_error(out, request, {"login_required"})
