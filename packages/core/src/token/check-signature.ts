import { createHmac, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import { keyMismatch } from '../keys/key-mismatch.js';
import { invalidToken } from './invalid-token.js';
import type { SigningAlg, VerificationKey } from './types.js';

/** Expected signature length per key and alg, computed once per KeyObject (after checking the key fits). */
const signatureLengths = new WeakMap<KeyObject, { alg: SigningAlg; length: number }>();

/**
 * Where the signing input is copied and the signature decoded for the crypto call, instead of two fresh Buffers
 * per token: verification is synchronous and nothing keeps the bytes, so one buffer each serves every call.
 * Longer inputs (and RSA keys over 8192 bits) get their own.
 */
const signingInputScratch = Buffer.allocUnsafeSlow(8192);
const signatureScratch = Buffer.allocUnsafeSlow(1024);

/** ES256's options for crypto.verify, made once per key rather than per token. */
const ecdsaOptions = new WeakMap<KeyObject, { key: KeyObject; dsaEncoding: 'ieee-p1363' }>();

/**
 * Verifies the signature over the token's first `signedLength` characters (`header.payload`) with the key's
 * pinned algorithm. The caller has checked that both the signed part and `signatureSegment` are canonical
 * base64url (hence ASCII, and one length of text per length of bytes). Throws `invalid_token` on any mismatch;
 * never reports which byte or why beyond the length.
 */
export function checkSignature(key: VerificationKey, token: string, signedLength: number, signatureSegment: string): void {
  const length = signatureLength(key);
  // Signature-format confusion: an ES256 signature must be raw r‖s (64 bytes), never DER; Ed25519 is 64
  // bytes; RSA exactly the modulus length; HMAC 32 bytes. Odd lengths never reach the crypto library. A
  // canonical segment encodes exactly `length` bytes only when it is exactly this many characters long.
  if (signatureSegment.length !== Math.ceil((length * 4) / 3)) throw invalidToken('bad_signature', 'the token signature has the wrong length for its algorithm');
  const signature =
    length <= signatureScratch.length
      ? signatureScratch.subarray(0, signatureScratch.write(signatureSegment, 0, 'base64url'))
      : Buffer.from(signatureSegment, 'base64url');
  let valid = false;
  try {
    valid = verifyBytes(key, signingInputOf(token, signedLength), signature);
  } catch {
    valid = false;
  }
  // Forgery, stripped or transplanted signatures, and ECDSA r = s = 0 ("psychic signatures", CVE-2022-21449),
  // which OpenSSL refuses and security.test.ts proves.
  if (!valid) throw invalidToken('bad_signature', 'the token signature is invalid');
}

function signingInputOf(token: string, signedLength: number): Buffer {
  if (signedLength > signingInputScratch.length) return Buffer.from(token.slice(0, signedLength), 'latin1');
  // latin1 is one byte per character, so at most signedLength bytes are exactly the first signedLength characters.
  const written = signingInputScratch.write(token, 0, signedLength, 'latin1');
  return signingInputScratch.subarray(0, written);
}

function verifyBytes(key: VerificationKey, data: Buffer, signature: Buffer): boolean {
  switch (key.alg) {
    case 'ES256':
      return verify('sha256', data, ecdsaOptionsFor(key.key), signature);
    case 'EdDSA':
      return verify(null, data, key.key, signature);
    case 'RS256':
      return verify('sha256', data, key.key, signature);
    case 'HS256':
      // Timing attack: compare in constant time (lengths are already known equal).
      return timingSafeEqual(createHmac('sha256', key.key).update(data).digest(), signature);
  }
}

function ecdsaOptionsFor(key: KeyObject): { key: KeyObject; dsaEncoding: 'ieee-p1363' } {
  let options = ecdsaOptions.get(key);
  if (options === undefined) {
    options = { key, dsaEncoding: 'ieee-p1363' };
    ecdsaOptions.set(key, options);
  }
  return options;
}

function signatureLength(key: VerificationKey): number {
  const known = signatureLengths.get(key.key);
  if (known !== undefined && known.alg === key.alg) return known.length;
  // Key/algorithm confusion through a mis-registered key: a public key filed under HS256 would otherwise be
  // used as an HMAC secret, a P-384 key under ES256 would verify other-length signatures.
  if (keyMismatch(key.key, key.alg) !== undefined) throw invalidToken('unusable_key', 'the key for this kid does not fit its algorithm');
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
