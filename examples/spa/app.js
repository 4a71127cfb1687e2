// The example app: signs in with Tessera (code + PKCE as a public client), shows the ID token's
// claims, calls userinfo, refreshes (the refresh token rotates), calls the example resource
// server with the access token, and signs out (RP-initiated logout). Every call goes to another
// origin, so each needs Tessera's (or the resource server's) CORS allowance.
//
// Tokens are kept in this page's memory only; the PKCE verifier, state and nonce survive the
// redirect in sessionStorage and are removed when used.

import * as oidc from "./oidc.js";

const $ = (id) => document.getElementById(id);
const show = (id, value) => { $(id).textContent = JSON.stringify(value, null, 2); };
const here = `${location.origin}/`;
let config, meta;
let tokens = null;

function report(err) {
  const li = document.createElement("li");
  li.textContent = String(err && err.message ? err.message : err);
  $("errors").append(li);
}
window.addEventListener("error", (e) => report(e.message));
window.addEventListener("unhandledrejection", (e) => report(e.reason));

function render(status) {
  $("status").textContent = status;
  const signedIn = tokens !== null;
  $("sign-in").hidden = signedIn;
  for (const id of ["userinfo", "refresh", "call-api", "sign-out"]) $(id).hidden = !signedIn;
  document.body.dataset.state = signedIn ? "signed-in" : "signed-out";
}

async function signIn() {
  const verifier = oidc.randomString();
  const request = { state: oidc.randomString(), nonce: oidc.randomString(), verifier };
  sessionStorage.setItem("request", JSON.stringify(request));
  const url = new URL(meta.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.client_id,
    redirect_uri: here,
    scope: config.scope,
    state: request.state,
    nonce: request.nonce,
    code_challenge: await oidc.challengeOf(verifier),
    code_challenge_method: "S256",
  });
  location.assign(url);
}

/** Back from /authorize: check state and iss (RFC 9207), exchange the code. */
async function callback(params) {
  const request = JSON.parse(sessionStorage.getItem("request") || "null");
  sessionStorage.removeItem("request");
  history.replaceState(null, "", here);
  if (!request || params.get("state") !== request.state) throw new Error("state does not match");
  if (params.get("iss") !== meta.issuer) throw new Error("iss does not name the issuer");
  if (params.has("error")) throw new Error(`${params.get("error")}: ${params.get("error_description")}`);
  const answer = await oidc.tokenRequest(meta, {
    grant_type: "authorization_code",
    code: params.get("code"),
    redirect_uri: here,
    client_id: config.client_id,
    code_verifier: request.verifier,
  });
  const claims = await oidc.validateIdToken(meta, config.client_id, answer.id_token, request.nonce);
  tokens = { ...answer, claims };
  show("claims", claims);
}

async function callUserinfo() {
  show("userinfo-result", await oidc.userinfo(meta, tokens.access_token));
}

async function refresh() {
  const before = tokens.refresh_token;
  const answer = await oidc.tokenRequest(meta, {
    grant_type: "refresh_token",
    refresh_token: before,
    client_id: config.client_id,
  });
  const claims = await oidc.validateIdToken(meta, config.client_id, answer.id_token);
  tokens = { ...tokens, ...answer, claims };
  show("refresh-result", { rotated: answer.refresh_token !== before, expires_in: answer.expires_in, scope: answer.scope });
}

async function callApi() {
  const resp = await fetch(`${config.resource_server}/me`, {
    headers: { Authorization: `Bearer ${tokens.access_token}` },
  });
  const body = await resp.json();
  if (!resp.ok) throw new Error(`resource server: ${resp.status} ${body.error}`);
  show("api-result", body);
}

/** Revokes the refresh token (and its family), then ends the session at Tessera. */
async function signOut() {
  if (tokens.refresh_token) await oidc.revoke(meta, config.client_id, tokens.refresh_token, "refresh_token");
  const state = oidc.randomString();
  sessionStorage.setItem("logout", state);
  const url = new URL(meta.end_session_endpoint);
  url.search = new URLSearchParams({
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: here,
    client_id: config.client_id,
    state,
  });
  location.assign(url);
}

function button(id, action, done) {
  $(id).addEventListener("click", async () => {
    $(id).disabled = true;
    try {
      await action();
      if (done) render(done());
    } catch (e) {
      report(e);
    } finally {
      $(id).disabled = false;
    }
  });
}

async function start() {
  config = await (await fetch("config.json")).json();
  meta = await oidc.discover(config.issuer);
  button("sign-in", signIn);
  button("userinfo", callUserinfo);
  button("refresh", refresh, () => `Signed in as ${tokens.claims.sub}; tokens refreshed`);
  button("call-api", callApi);
  button("sign-out", signOut);
  const params = new URLSearchParams(location.search);
  if (params.has("code") || params.has("error")) {
    await callback(params);
    render(`Signed in as ${tokens.claims.sub}`);
  } else if (params.has("state") && params.get("state") === sessionStorage.getItem("logout")) {
    sessionStorage.removeItem("logout");
    history.replaceState(null, "", here);
    render("Signed out");
  } else {
    render("Not signed in");
  }
}

start().catch((e) => {
  report(e);
  render("Failed to start");
});
