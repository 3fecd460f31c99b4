import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { keyMismatch } from '../keys/key-mismatch.js';
import { invalidToken } from './invalid-token.js';
import type { SigningAlg, VerificationKey } from './types.js';

/** Expected signature length per key and alg, computed once per KeyObject (after checking the key fits). */
const signatureLengths = new WeakMap<KeyObject, { alg: SigningAlg; length: number }>();

/**
 * Verifies the signature over `signingInput` (ASCII `header.payload`) with the key's pinned algorithm.
 * Throws `invalid_token` on any mismatch; never reports which byte or why beyond the length.
 */
export function checkSignature(key: VerificationKey, signingInput: string, signatureSegment: string): void {
  const signature = Buffer.from(signatureSegment, 'base64url');
  // Signature-format confusion: an ES256 signature must be raw r‖s (64 bytes), never DER; Ed25519 is 64
  // bytes; RSA exactly the modulus length; HMAC 32 bytes. Odd lengths never reach the crypto library.
  if (signature.length !== signatureLength(key)) throw invalidToken('the token signature has the wrong length for its algorithm');
  let valid = false;
  try {
    valid = verifyBytes(key, Buffer.from(signingInput, 'latin1'), signature);
  } catch {
    valid = false;
  }
  // Forgery, stripped or transplanted signatures, and ECDSA r = s = 0 ("psychic signatures", CVE-2022-21449),
  // which OpenSSL refuses and security.test.ts proves.
  if (!valid) throw invalidToken('the token signature is invalid');
}

function verifyBytes(key: VerificationKey, data: Buffer, signature: Buffer): boolean {
  switch (key.alg) {
    case 'ES256':
      return verify('sha256', data, { key: key.key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'EdDSA':
      return verify(null, data, key.key, signature);
    case 'RS256':
      return verify('sha256', data, key.key, signature);
    case 'HS256':
      // Timing attack: compare in constant time (lengths are already known equal).
      return timingSafeEqual(createHmac('sha256', key.key).update(data).digest(), signature);
  }
}

function signatureLength(key: VerificationKey): number {
  const known = signatureLengths.get(key.key);
  if (known !== undefined && known.alg === key.alg) return known.length;
  // Key/algorithm confusion through a mis-registered key: a public key filed under HS256 would otherwise be
  // used as an HMAC secret, a P-384 key under ES256 would verify other-length signatures.
  if (keyMismatch(key.key, key.alg) !== undefined) throw invalidToken('the key for this kid does not fit its algorithm');
  const length = expectedLength(key);
  signatureLengths.set(key.key, { alg: key.alg, length });
  return length;
}

function expectedLength(key: VerificationKey): number {
  switch (key.alg) {
    case 'ES256':
    case 'EdDSA':
      return 64;
    case 'HS256':
      return 32;
    case 'RS256':
      return Math.ceil((key.key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  }
}
