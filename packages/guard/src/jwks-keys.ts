import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { keyMismatch } from '@tessera/core/keys';
import { SIGNING_ALGS, type SigningAlg, type VerificationKey } from '@tessera/core/token';
import { algOfKey } from './static-key.js';

/** Private members: a JWKS carrying one is leaking a private key, and that key is never used. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'] as const;

/**
 * The verification keys of a JWKS document, keyed by kid. A key is kept only when every rule holds; anything
 * else in the set is skipped (a JWKS may publish keys for other uses and other services):
 * - `kid` a non-empty string — tokens name their key, and an unnamed key could never be selected exactly;
 * - `use` absent or `sig`, `key_ops` absent or containing `verify` — an encryption key is not a signing key;
 * - no private or secret members — a shared secret from a public URL would let anyone sign (and `oct` keys,
 *   i.e. HS256, are never taken from a JWKS);
 * - the algorithm (its `alg`, or the one its kty/crv implies) is in `algorithms`, and the key fits it — the key
 *   pins the algorithm, so a token can never pick a weaker one;
 * - its kid is unique in the set — two keys under one kid would make the lookup ambiguous, so both are dropped.
 */
export function keysFromJwks(document: unknown, algorithms: ReadonlySet<SigningAlg>): Map<string, VerificationKey> {
  if (typeof document !== 'object' || document === null || !Array.isArray((document as { keys?: unknown }).keys)) {
    throw new Error('the JWKS is not a JSON object with a "keys" array');
  }
  const keys = new Map<string, VerificationKey>();
  const duplicated = new Set<string>();
  for (const entry of (document as { keys: unknown[] }).keys) {
    const key = verificationKey(entry, algorithms);
    if (key === undefined) continue;
    if (keys.has(key.kid)) duplicated.add(key.kid);
    keys.set(key.kid, key);
  }
  for (const kid of duplicated) keys.delete(kid);
  return keys;
}

function verificationKey(entry: unknown, algorithms: ReadonlySet<SigningAlg>): VerificationKey | undefined {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return undefined;
  const jwk = entry as Record<string, unknown>;
  if (typeof jwk.kid !== 'string' || jwk.kid.length === 0) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return undefined;
  if (jwk.kty !== 'EC' && jwk.kty !== 'OKP' && jwk.kty !== 'RSA') return undefined;
  if (PRIVATE_MEMBERS.some((member) => Object.hasOwn(jwk, member))) return undefined;
  let key;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch {
    return undefined;
  }
  const alg = algOfKey(key);
  if (alg === undefined || alg === 'HS256') return undefined;
  if (jwk.alg !== undefined && (!SIGNING_ALGS.includes(jwk.alg as SigningAlg) || jwk.alg !== alg)) return undefined;
  if (!algorithms.has(alg) || keyMismatch(key, alg) !== undefined) return undefined;
  return { kid: jwk.kid, alg, key };
}
