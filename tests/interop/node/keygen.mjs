// Makes the key pair of the JAR client (RFC 9101 request objects, private_key_jwt): writes the
// private JWK for suite.mjs and the public JWK Set that run.sh registers with `--jwks-file`.
//
//   node keygen.mjs PRIVATE_JWK_PATH PUBLIC_JWKS_PATH

import { writeFileSync } from 'node:fs';

const [privatePath, publicPath] = process.argv.slice(2);
if (!privatePath || !publicPath) throw new Error('usage: node keygen.mjs PRIVATE_JWK PUBLIC_JWKS');
const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
const kid = `interop-${Date.now()}`;
const priv = { ...(await crypto.subtle.exportKey('jwk', pair.privateKey)), kid, alg: 'ES256' };
const pub = { ...(await crypto.subtle.exportKey('jwk', pair.publicKey)), kid, alg: 'ES256', use: 'sig' };
delete pub.key_ops;
delete pub.ext;
writeFileSync(privatePath, JSON.stringify(priv));
writeFileSync(publicPath, JSON.stringify({ keys: [pub] }));
