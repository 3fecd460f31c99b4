import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../token/types.js';

/** Smallest HS256 secret and RSA modulus Tessera accepts. */
export const MIN_HS256_KEY_BYTES = 32;
export const MIN_RSA_BITS = 2048;

/**
 * Says why `key` cannot be used with `alg`, or returns undefined when it fits. The algorithm is pinned to the
 * key this way everywhere (import, opening stored keys, verification), which is what stops algorithm
 * confusion: a P-384 key is never used for ES256, an RSA public key never becomes an HMAC secret. The sentence
 * names key types only, never key material.
 */
export function keyMismatch(key: KeyObject, alg: SigningAlg): string | undefined {
  if (alg === 'HS256') {
    if (key.type !== 'secret') return 'HS256 needs a shared secret, not a public or private key';
    return (key.symmetricKeySize ?? 0) >= MIN_HS256_KEY_BYTES ? undefined : `an HS256 secret must be at least ${MIN_HS256_KEY_BYTES} bytes`;
  }
  if (key.type === 'secret') return `${alg} needs an asymmetric key, not a shared secret`;
  const type = key.asymmetricKeyType;
  switch (alg) {
    case 'ES256':
      return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? undefined : `ES256 needs a P-256 EC key, not ${describe(key)}`;
    case 'EdDSA':
      return type === 'ed25519' ? undefined : `EdDSA needs an Ed25519 key, not ${describe(key)}`;
    case 'RS256': {
      if (type !== 'rsa') return `RS256 needs an RSA key, not ${describe(key)}`;
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      return bits >= MIN_RSA_BITS ? undefined : `RS256 needs an RSA key of at least ${MIN_RSA_BITS} bits, not ${bits}`;
    }
  }
}

function describe(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve === undefined ? `an ${key.asymmetricKeyType ?? 'unknown'} key` : `an ${key.asymmetricKeyType ?? 'unknown'} key on ${curve}`;
}
