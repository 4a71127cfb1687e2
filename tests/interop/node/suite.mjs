// The Node half of the interop suite: openid-client (v6, an OpenID-certified relying-party
// library) as the RP and headless Chromium (playwright-core, the system browser) as the person.
// openid-client does every protocol check itself: discovery, PKCE, state, nonce, iss (RFC 9207),
// ID-token signature and claims, userinfo subject. Prints one PASS/FAIL line per module and a
// closing "N passed, N failed" line; exits non-zero when anything failed.
//
//   node suite.mjs [NAME_FILTER ...]     (settings come from run.sh through INTEROP_* variables)

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import * as client from 'openid-client';
import { chromium } from 'playwright-core';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run tests/interop/run.sh)`);
  return v;
};
const ISSUER = env('INTEROP_ISSUER');
const USERNAME = env('INTEROP_USERNAME');
const PASSWORD = env('INTEROP_PASSWORD');
const CLIENTS = JSON.parse(readFileSync(env('INTEROP_CLIENTS'), 'utf8'));
const CALLBACK_PORT = Number(env('INTEROP_NODE_CALLBACK_PORT'));
const CALLBACK_BASE = `http://127.0.0.1:${CALLBACK_PORT}`;
const REDIRECT_URI = `${CALLBACK_BASE}/cb`;
const POST_LOGOUT_REDIRECT_URI = `${CALLBACK_BASE}/logged-out`;

class CheckFailed extends Error {}
function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

/** The JAR clients' ES256 key (tests/interop/node/keygen.mjs), as openid-client takes it. */
const JAR_JWK = JSON.parse(readFileSync(env('INTEROP_JAR_KEY'), 'utf8'));
const JAR_KEY = {
  kid: JAR_JWK.kid,
  key: await crypto.subtle.importKey('jwk', { ...JAR_JWK, kid: undefined, alg: undefined }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']),
};

/** openid-client configured by discovery for the registered client `name` (see run.sh). */
async function configFor(name) {
  const c = CLIENTS[name];
  const auth = {
    private_key_jwt: () => client.PrivateKeyJwt(JAR_KEY),
    client_secret_post: () => client.ClientSecretPost(c.client_secret),
    client_secret_basic: () => client.ClientSecretBasic(c.client_secret),
    none: () => client.None(),
  }[c.auth_method]();
  // The issuer is http://127.0.0.1; openid-client refuses plain HTTP unless told.
  return client.discovery(new URL(ISSUER), c.client_id, undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
}

// --- the person at the browser ---------------------------------------------------------------

/** The relying party's redirect and post-logout redirect URIs: answers and remembers visits. */
const hits = [];
const callbackServer = createServer((req, res) => {
  if (req.url === '/favicon.ico') {
    res.writeHead(404).end(); // the browser's own request, not the OP's redirect
    return;
  }
  hits.push(new URL(req.url, CALLBACK_BASE));
  res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>callback</title>callback received');
});

/** A fresh browser profile (no cookies) per module. */
class Person {
  constructor(browser) {
    this.browser = browser;
  }

  async fresh() {
    if (this.context) await this.context.close();
    this.context = await this.browser.newContext();
    this.page = await this.context.newPage();
  }

  async count(selector) {
    try {
      return await this.page.locator(selector).count();
    } catch {
      return -1; // the page is navigating
    }
  }

  /**
   * Opens `url` and signs in / consents / confirms sign-out when the OP asks, until the OP sends
   * the browser to the RP. Returns { callback: URL | null, loginShown, title }.
   */
  async visit(url, { signIn = true, confirmLogout = false, timeoutMs = 20000 } = {}) {
    hits.length = 0;
    const out = { callback: null, loginShown: false, confirmShown: false, title: null };
    await this.page.goto(url.toString());
    const acted = new Set();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (hits.length) {
        out.callback = hits[0];
        return out;
      }
      const password = await this.count('input#password');
      const allow = await this.count('button[name=decision][value=allow]');
      const confirm = await this.count('button[name=confirm]');
      if (password > 0 && !acted.has('login')) {
        out.loginShown = true;
        if (!signIn) return this.stayed(out);
        acted.add('login');
        await this.page.fill('input#username', USERNAME);
        await this.page.fill('input#password', PASSWORD);
        await this.page.click('form button[type=submit]');
      } else if (allow > 0 && !acted.has('consent')) {
        acted.add('consent');
        await this.page.click('button[name=decision][value=allow]');
      } else if (confirm > 0 && !acted.has('confirm')) {
        out.confirmShown = true;
        if (!confirmLogout) return this.stayed(out);
        acted.add('confirm');
        await this.page.click('button[name=confirm]');
      } else if (password === 0 && allow === 0 && confirm === 0) {
        // An OP page with nothing to do on it: allow a late redirect a moment, then stop.
        await sleep(500);
        if (hits.length) continue;
        return this.stayed(out);
      }
      await sleep(100);
    }
    throw new CheckFailed(`browser still busy after ${timeoutMs} ms at ${this.page.url()}`);
  }

  async stayed(out) {
    out.title = await this.page.title();
    out.text = await this.page.locator('body').innerText();
    check(this.page.url().startsWith(ISSUER), `browser left the OP for ${this.page.url()}`);
    return out;
  }
}

// --- one authorization-code round trip -------------------------------------------------------

/** Authorization request built by openid-client, played in the browser. */
async function start(person, config, params = {}, opts = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const checks = {
    pkceCodeVerifier: verifier,
    expectedState: client.randomState(),
    expectedNonce: client.randomNonce(),
  };
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
    ...params,
  });
  const out = await person.visit(url, opts);
  check(out.callback, `OP did not redirect back; page ${JSON.stringify(out.title)}`);
  return { checks, callback: out.callback, out };
}

/** The parameters of a code-flow request, and the checks to redeem its answer with. */
async function codeRequest() {
  const verifier = client.randomPKCECodeVerifier();
  const checks = {
    pkceCodeVerifier: verifier,
    expectedState: client.randomState(),
    expectedNonce: client.randomNonce(),
  };
  const params = {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state: checks.expectedState,
    nonce: checks.expectedNonce,
  };
  return { params, checks };
}

/** Plays `url` in the browser and redeems the code with openid-client. */
async function finish(person, config, url, checks) {
  const out = await person.visit(url);
  check(out.callback, `OP did not redirect back; page ${JSON.stringify(out.title)}`);
  const tokens = await client.authorizationCodeGrant(config, out.callback, { ...checks, idTokenExpected: true });
  return { tokens, claims: tokens.claims() };
}

/** A complete sign-in: openid-client redeems the code and validates the ID token. */
async function signIn(person, config, params = {}) {
  const { checks, callback } = await start(person, config, params);
  const tokens = await client.authorizationCodeGrant(config, callback, { ...checks, idTokenExpected: true });
  return { tokens, claims: tokens.claims() };
}

// --- modules -----------------------------------------------------------------------------------

const modules = [];
const module = (name, checks, fn) => modules.push({ name, checks, fn });

module('openid-client-discovery', 'discovery() reads the document; issuer and endpoints as published', async () => {
  const config = await configFor('node-rp');
  const meta = config.serverMetadata();
  check(meta.issuer === ISSUER, `issuer ${meta.issuer}`);
  check(meta.authorization_response_iss_parameter_supported === true, 'RFC 9207 iss not advertised');
  check(meta.code_challenge_methods_supported?.includes('S256'), 'S256 not advertised');
});

module('openid-client-code-pkce-nonce', 'authorizationCodeGrant with PKCE, state, nonce; the library validates iss (RFC 9207), the ID token and at_hash', async (person) => {
  const config = await configFor('node-rp');
  const { tokens, claims } = await signIn(person, config);
  check(claims.aud === CLIENTS['node-rp'].client_id, 'aud');
  check(claims.iss === ISSUER, 'iss');
  check(tokens.token_type.toLowerCase() === 'bearer', 'token_type');
});

module('openid-client-public-client', 'a public client (token_endpoint_auth_method none): PKCE alone redeems the code; the ID token validates', async (person) => {
  const config = await configFor('node-spa');
  const { claims } = await signIn(person, config);
  check(claims.aud === CLIENTS['node-spa'].client_id, 'aud');
});

module('openid-client-userinfo', 'fetchUserInfo with the expected subject', async (person) => {
  const config = await configFor('node-rp');
  const { tokens, claims } = await signIn(person, config);
  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  check(info.preferred_username === USERNAME, 'preferred_username');
  check(info.email === 'alice@example.com', 'email');
});

module('openid-client-refresh', 'refreshTokenGrant: new tokens, ID token for the same sub, the old refresh token refused', async (person) => {
  const config = await configFor('node-rp');
  const { tokens, claims } = await signIn(person, config, { scope: 'openid offline_access' });
  const fresh = await client.refreshTokenGrant(config, tokens.refresh_token);
  check(fresh.refresh_token && fresh.refresh_token !== tokens.refresh_token, 'not rotated');
  check(fresh.claims()?.sub === claims.sub, 'refreshed ID token sub');
  let error;
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
  } catch (e) {
    error = e;
  }
  check(error?.error === 'invalid_grant', `reused refresh token answered ${error?.error ?? 'success'}`);
});

module('openid-client-client-credentials', 'clientCredentialsGrant for a service client', async () => {
  const config = await configFor('node-svc');
  const tokens = await client.clientCredentialsGrant(config, { scope: 'interop:read' });
  check(tokens.access_token && !tokens.refresh_token && !tokens.id_token, 'unexpected token set');
  check(tokens.scope === 'interop:read', `scope ${tokens.scope}`);
});

module('openid-client-introspection', 'tokenIntrospection: the access token is active and described', async (person) => {
  const config = await configFor('node-rp');
  const { tokens, claims } = await signIn(person, config);
  const info = await client.tokenIntrospection(config, tokens.access_token);
  check(info.active === true && info.sub === claims.sub, `introspection ${JSON.stringify(info)}`);
  check(info.client_id === CLIENTS['node-rp'].client_id, 'client_id');
  const none = await client.tokenIntrospection(config, 'not-a-token');
  check(none.active === false, 'garbage is active');
});

module('openid-client-revocation', 'tokenRevocation of the refresh token: refresh refused, access token inactive soon after', async (person) => {
  const config = await configFor('node-rp');
  const { tokens } = await signIn(person, config, { scope: 'openid offline_access' });
  await client.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
  let error;
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
  } catch (e) {
    error = e;
  }
  check(error?.error === 'invalid_grant', `revoked refresh token answered ${error?.error ?? 'success'}`);
  const deadline = Date.now() + 10000;
  while ((await client.tokenIntrospection(config, tokens.access_token)).active) {
    check(Date.now() < deadline, 'access token still active 10 s after revocation');
    await sleep(300);
  }
});

module('openid-client-logout', 'buildEndSessionUrl: signed out, redirected with state; prompt=none then gets login_required', async (person) => {
  const config = await configFor('node-rp');
  const { tokens } = await signIn(person, config);
  const state = client.randomState();
  const url = client.buildEndSessionUrl(config, {
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: POST_LOGOUT_REDIRECT_URI,
    state,
  });
  const out = await person.visit(url);
  check(out.callback?.pathname === '/logged-out', `no post-logout redirect; page ${out.title}`);
  check(out.callback.searchParams.get('state') === state, 'state not echoed');
  const again = await start(person, config, { prompt: 'none' }, { signIn: false });
  let error;
  try {
    await client.authorizationCodeGrant(config, again.callback, again.checks);
  } catch (e) {
    error = e;
  }
  check(error?.error === 'login_required', `prompt=none after logout: ${error?.error ?? 'success'}`);
});

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const EXCHANGE_AUDIENCE = 'https://interop-api.example.com';

/** A JWT's payload, undecoded of trust (the library or Tessera checked it). */
const payload = (jwt) => JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));

module('openid-client-device-flow', 'initiateDeviceAuthorization, the person approves on /device (code pre-filled, still submitted), pollDeviceAuthorizationGrant gets tokens with an ID token that validates', async (person) => {
  const config = await configFor('node-device');
  const da = await client.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
  check(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/.test(da.user_code), `user_code ${da.user_code}`);
  check(da.verification_uri === `${ISSUER}/device`, `verification_uri ${da.verification_uri}`);
  const polling = client.pollDeviceAuthorizationGrant(config, da);
  const page = person.page;
  await page.goto(da.verification_uri_complete);
  check((await page.inputValue('input[name=user_code]')) === da.user_code, 'the code is not filled in');
  await page.click('form button[type=submit]');
  await page.waitForSelector('input#password');
  await page.fill('input#username', USERNAME);
  await page.fill('input#password', PASSWORD);
  await page.click('form button[type=submit]');
  await page.waitForSelector('button[name=decision][value=allow]');
  check((await page.locator('#user-code').innerText()) === da.user_code, 'the consent page does not repeat the code');
  await page.click('button[name=decision][value=allow]');
  await page.waitForSelector('#device-done');
  const text = await page.locator('body').innerText();
  check(text.includes('You can return to your device'), `end page: ${text}`);
  const tokens = await polling;
  check(tokens.access_token && tokens.refresh_token, 'no access or refresh token');
  check(tokens.claims()?.aud === CLIENTS['node-device'].client_id, 'ID token aud');
});

module('openid-client-token-exchange', 'genericGrantRequest token-exchange: sub kept, aud the allowed audience, act names the service; an audience not allowed is invalid_target', async (person) => {
  const { tokens, claims } = await signIn(person, await configFor('node-rp'));
  const svc = await configFor('node-exchange');
  const out = await client.genericGrantRequest(svc, EXCHANGE_GRANT, {
    subject_token: tokens.access_token,
    subject_token_type: ACCESS_TOKEN_TYPE,
    audience: EXCHANGE_AUDIENCE,
  });
  check(out.issued_token_type === ACCESS_TOKEN_TYPE, `issued_token_type ${out.issued_token_type}`);
  check(!out.refresh_token, 'a refresh token came with it');
  const issued = payload(out.access_token);
  check(issued.sub === claims.sub, 'sub');
  check(issued.aud === EXCHANGE_AUDIENCE, `aud ${issued.aud}`);
  check(issued.act?.sub === CLIENTS['node-exchange'].client_id, `act ${JSON.stringify(issued.act)}`);
  let error;
  try {
    await client.genericGrantRequest(svc, EXCHANGE_GRANT, {
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: 'https://elsewhere.example.com',
    });
  } catch (e) {
    error = e;
  }
  check(error?.error === 'invalid_target', `foreign audience answered ${error?.error ?? 'success'}`);
});

module('openid-client-dpop', 'getDPoPHandle (ES256) with require_nonce on: the code bound by dpop_jkt, authorizationCodeGrant, fetchUserInfo and refreshTokenGrant each retry once with the DPoP-Nonce; token_type DPoP and cnf.jkt; the refresh token refused with another key', async (person) => {
  const config = await configFor('node-dpop');
  const keyPair = await client.randomDPoPKeyPair('ES256');
  const DPoP = client.getDPoPHandle(config, keyPair);
  // RFC 7638 thumbprint of the public key, sent as dpop_jkt (RFC 9449 §10).
  const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  const jkt = createHash('sha256').update(canonical).digest('base64url');
  const { checks, callback } = await start(person, config, { scope: 'openid offline_access', dpop_jkt: jkt });
  const tokens = await client.authorizationCodeGrant(config, callback, { ...checks, idTokenExpected: true }, undefined, { DPoP });
  check(tokens.token_type.toLowerCase() === 'dpop', `token_type ${tokens.token_type}`);
  check(payload(tokens.access_token).cnf?.jkt === jkt, 'cnf.jkt is not the key\'s thumbprint');
  const sub = tokens.claims().sub;
  const info = await client.fetchUserInfo(config, tokens.access_token, sub, { DPoP });
  check(info.sub === sub, 'userinfo sub');
  const fresh = await client.refreshTokenGrant(config, tokens.refresh_token, undefined, { DPoP });
  check(fresh.token_type.toLowerCase() === 'dpop', `refreshed token_type ${fresh.token_type}`);
  check(payload(fresh.access_token).cnf?.jkt === jkt, 'refreshed cnf.jkt');
  const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
  let error;
  try {
    await client.refreshTokenGrant(config, fresh.refresh_token, undefined, { DPoP: thief });
  } catch (e) {
    error = e;
  }
  check(error?.error === 'invalid_grant', `refresh with another key answered ${error?.error ?? 'success'}`);
});

const registration = (extra) => ({
  client_name: 'Interop DCR',
  redirect_uris: [REDIRECT_URI],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  scope: 'openid profile email',
  ...extra,
});

module('openid-client-dynamic-registration', 'dynamicClientRegistration (RFC 7591, [registration] mode = "open") registers a client; the code flow runs with it (consent asked: never first-party); a pairwise one (subject_type pairwise) sees another sub, the same at userinfo', async (person) => {
  const options = { execute: [client.allowInsecureRequests] };
  const config = await client.dynamicClientRegistration(new URL(ISSUER), registration({}), undefined, options);
  const meta = config.clientMetadata();
  check(meta.client_id && meta.client_secret, `registered ${JSON.stringify(meta)}`);
  check(meta.registration_access_token && meta.registration_client_uri, 'no RFC 7592 management credentials');
  check(meta.subject_type === 'public', `subject_type ${meta.subject_type}`);
  const { checks, callback, out } = await start(person, config);
  check(out.loginShown, 'the login page was not shown');
  const tokens = await client.authorizationCodeGrant(config, callback, { ...checks, idTokenExpected: true });
  const claims = tokens.claims();
  check(claims.aud === meta.client_id, 'aud');

  const pairwise = await client.dynamicClientRegistration(
    new URL(ISSUER),
    registration({ subject_type: 'pairwise' }),
    undefined,
    options,
  );
  check(pairwise.clientMetadata().subject_type === 'pairwise', 'subject_type not echoed');
  const second = await signIn(person, pairwise);
  check(second.claims.sub !== claims.sub, 'the pairwise sub is the public one');
  const info = await client.fetchUserInfo(pairwise, second.tokens.access_token, second.claims.sub);
  check(info.sub === second.claims.sub, `userinfo sub ${info.sub}`);
});

module('openid-client-par', 'buildAuthorizationUrlWithPAR (RFC 9126): only client_id and request_uri reach the browser; the code redeems and the ID token validates', async (person) => {
  const config = await configFor('node-rp');
  const { params, checks } = await codeRequest();
  const url = await client.buildAuthorizationUrlWithPAR(config, params);
  check([...url.searchParams.keys()].sort().join(' ') === 'client_id request_uri', `authorization URL ${url}`);
  check(url.searchParams.get('request_uri').startsWith('urn:ietf:params:oauth:request_uri:'), 'request_uri');
  const { claims } = await finish(person, config, url, checks);
  check(claims.aud === CLIENTS['node-rp'].client_id, 'aud');
  check(claims.nonce === checks.expectedNonce, 'nonce');
});

module('openid-client-jar', 'buildAuthorizationUrlWithJAR (RFC 9101, ES256, private_key_jwt): the signed request object alone carries the request; the code redeems', async (person) => {
  const config = await configFor('node-jar');
  const meta = config.serverMetadata();
  check(meta.request_parameter_supported === true, 'request_parameter_supported');
  check(meta.request_object_signing_alg_values_supported?.includes('ES256'), 'ES256 request objects not advertised');
  const { params, checks } = await codeRequest();
  const url = await client.buildAuthorizationUrlWithJAR(config, params, JAR_KEY);
  check([...url.searchParams.keys()].sort().join(' ') === 'client_id request', `authorization URL ${url}`);
  const { claims } = await finish(person, config, url, checks);
  check(claims.aud === CLIENTS['node-jar'].client_id, 'aud');
});

module('openid-client-jar-par', 'a signed request object pushed with buildAuthorizationUrlWithPAR, for a client that must do both; a plain pushed request from it is invalid_request', async (person) => {
  const config = await configFor('node-jar-par');
  const { params, checks } = await codeRequest();
  let error;
  try {
    await client.buildAuthorizationUrlWithPAR(config, params);
  } catch (e) {
    error = e;
  }
  check(error?.error === 'invalid_request', `an unsigned pushed request answered ${error?.error ?? 'success'}`);
  const signed = await client.buildAuthorizationUrlWithJAR(config, params, JAR_KEY);
  const url = await client.buildAuthorizationUrlWithPAR(config, signed.searchParams);
  const { claims } = await finish(person, config, url, checks);
  check(claims.aud === CLIENTS['node-jar-par'].client_id, 'aud');
});

// --- runner ----------------------------------------------------------------------------------

const only = process.argv.slice(2);
await new Promise((resolve) => callbackServer.listen(CALLBACK_PORT, '127.0.0.1', resolve));
const browser = await chromium.launch({
  executablePath: env('INTEROP_CHROMIUM'),
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});
const person = new Person(browser);
const results = [];
try {
  for (const m of modules) {
    if (only.length && !only.some((o) => m.name.includes(o))) continue;
    await person.fresh();
    const started = Date.now();
    try {
      await m.fn(person);
      results.push({ module: m.name, checks: m.checks, ok: true, note: '' });
      console.log(`PASS ${m.name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (e) {
      const note = `${e.name}: ${e.message}${e.error ? ` (${e.error})` : ''}`;
      results.push({ module: m.name, checks: m.checks, ok: false, note });
      console.log(`FAIL ${m.name}: ${note}`);
      if (process.env.INTEROP_VERBOSE) console.error(e);
    }
  }
} finally {
  await browser.close();
  callbackServer.close();
}
if (process.env.INTEROP_RESULTS) writeFileSync(process.env.INTEROP_RESULTS, JSON.stringify(results, null, 1));
const failed = results.filter((r) => !r.ok).length;
console.log(`node: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed || (!results.length && !only.length) ? 1 : 0;
