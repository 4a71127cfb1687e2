// node-oidc-provider configured like Tessera for bench/run.sh: one confidential client with
// client_secret_basic and client_credentials, JWT access tokens (RFC 9068 shape, through the
// resourceIndicators feature) signed with ALG (RS256, ES256 or EdDSA), introspection on.
// Env: PORT, ALG, CLIENT_ID, CLIENT_SECRET. Listens on 127.0.0.1 only.
// For bench/sso.sh also RP_CLIENT_ID, RP_CLIENT_SECRET, RP_REDIRECT_URI: a confidential
// code-flow client (client_secret_basic) and the built-in login and consent pages (devInteractions,
// any password) to sign in with. Its tokens are node-oidc-provider's defaults: an ID token signed
// with ALG and an opaque access token kept in memory (the resource indicator above is only for the
// client_credentials client).
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const alg = process.env.ALG || 'RS256';
const issuer = `http://127.0.0.1:${port}`;
const resource = 'urn:tessera-bench:api';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });

const rp = process.env.RP_CLIENT_ID ? [{
  client_id: process.env.RP_CLIENT_ID,
  client_secret: process.env.RP_CLIENT_SECRET,
  grant_types: ['authorization_code'],
  response_types: ['code'],
  redirect_uris: [process.env.RP_REDIRECT_URI],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: alg,
}] : [];

const provider = new Provider(issuer, {
  scopes: ['openid', 'offline_access', 'api:read'],
  clients: [...rp, {
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'api:read',
  }],
  jwks: {
    keys: [
      { ...rsa, kid: 'bench-rs256', alg: 'RS256', use: 'sig' },
      { ...ec, kid: 'bench-es256', alg: 'ES256', use: 'sig' },
      { ...ed, kid: 'bench-eddsa', alg: 'EdDSA', use: 'sig' },
    ],
  },
  features: {
    devInteractions: { enabled: rp.length > 0 },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (ctx) => (ctx.oidc.client?.clientId === process.env.CLIENT_ID ? resource : undefined),
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api:read',
        audience: resource,
        accessTokenTTL: 900,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg } },
      }),
    },
  },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => {
  console.log(`node-oidc-provider ${alg} listening on ${issuer}`);
});
