import { createPublicKey, createSecretKey, KeyObject, type JsonWebKey } from 'node:crypto';
import { jwkThumbprint, keyMismatch } from '@tessera/core/keys';
import type { SigningAlg, VerificationKey } from '@tessera/core/token';
import type { GuardKey } from './options.js';

/** The algorithm an asymmetric key can only be used with; the key pins it (algorithm confusion). */
export function algOfKey(key: KeyObject): SigningAlg | undefined {
  if (key.type === 'secret') return 'HS256';
  switch (key.asymmetricKeyType) {
    case 'ec':
      return key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'ES256' : undefined;
    case 'ed25519':
      return 'EdDSA';
    case 'rsa':
      return 'RS256';
    default:
      return undefined;
  }
}

function fail(sentence: string): never {
  throw new TypeError(`createGuard: ${sentence}`);
}

/**
 * The one fixed key of `{ key }`: a public KeyObject, public JWK or PEM, or for HS256 a secret KeyObject or `oct`
 * JWK with a kid. A private key is refused — a service that only verifies must never hold one — and so is a key
 * whose algorithm is not in `algorithms`. Sentences name key types only, never key material.
 */
export function importStaticKey(input: GuardKey, kid: string | undefined, algorithms: ReadonlySet<SigningAlg>): VerificationKey {
  const { key, jwkKid, jwkAlg } = toKeyObject(input);
  if (key.type === 'private') fail('"key" is a private key; give the guard only the public key.');
  const alg = algOfKey(key);
  if (alg === undefined) fail('"key" is not a P-256, Ed25519, RSA or HS256 key.');
  if (jwkAlg !== undefined && jwkAlg !== alg) fail(`"key" says alg ${JSON.stringify(jwkAlg)} but is an ${alg} key.`);
  if (!algorithms.has(alg)) fail(`"key" is an ${alg} key, but "algorithms" does not include ${alg}.`);
  const problem = keyMismatch(key, alg);
  if (problem !== undefined) fail(`"key" does not fit ${alg}: ${problem}.`);
  const resolvedKid = kid ?? jwkKid ?? (alg === 'HS256' ? undefined : jwkThumbprint(key));
  if (resolvedKid === undefined) fail('an HS256 "key" needs a "kid": the kid the server writes into its tokens.');
  return { kid: resolvedKid, alg, key };
}

function toKeyObject(input: GuardKey): { key: KeyObject; jwkKid?: string; jwkAlg?: string } {
  if (input instanceof KeyObject) return { key: input };
  if (typeof input === 'string') {
    if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(input)) fail('"key" is a private key; give the guard only the public key.');
    try {
      return { key: createPublicKey({ key: input, format: 'pem' }) };
    } catch {
      fail('"key" is a string but not a PEM public key.');
    }
  }
  if (typeof input !== 'object' || input === null) fail('"key" must be a KeyObject, a JWK object or a PEM string.');
  const jwk = input as JsonWebKey & { kid?: unknown; alg?: unknown };
  const jwkKid = typeof jwk.kid === 'string' && jwk.kid.length > 0 ? jwk.kid : undefined;
  const jwkAlg = typeof jwk.alg === 'string' ? jwk.alg : undefined;
  const meta = { ...(jwkKid === undefined ? {} : { jwkKid }), ...(jwkAlg === undefined ? {} : { jwkAlg }) };
  if (jwk.kty === 'oct') {
    if (typeof jwk.k !== 'string' || !/^[A-Za-z0-9_-]*$/.test(jwk.k)) fail('the oct JWK in "key" has no base64url "k" member.');
    return { key: createSecretKey(Buffer.from(jwk.k, 'base64url')), ...meta };
  }
  if (jwk.d !== undefined) fail('"key" is a private JWK; give the guard only the public key.');
  try {
    return { key: createPublicKey({ key: jwk, format: 'jwk' }), ...meta };
  } catch {
    fail('"key" is an object but not a public JWK.');
  }
}
