import { createHmac, sign } from 'node:crypto';
import type { SigningKey } from './types.js';

/**
 * The JWS signature of `signingInput` (ASCII `header.payload`) with the key's pinned algorithm: ES256 as raw
 * r‖s (64 bytes, as JWS requires, not DER), EdDSA (Ed25519), RS256 (RSASSA-PKCS1-v1_5 with SHA-256), HS256.
 */
export function createSignature(key: Pick<SigningKey, 'alg' | 'privateKey'>, signingInput: string): Buffer {
  const data = Buffer.from(signingInput, 'latin1');
  switch (key.alg) {
    case 'ES256':
      return sign('sha256', data, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, key.privateKey);
    case 'RS256':
      return sign('sha256', data, key.privateKey);
    case 'HS256':
      return createHmac('sha256', key.privateKey).update(data).digest();
  }
}
