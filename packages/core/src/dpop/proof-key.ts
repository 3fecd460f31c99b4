import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { keyMismatch } from '../keys/key-mismatch.js';
import { jwkThumbprint } from '../keys/thumbprint.js';
import { isCanonicalBase64url } from '../token/base64url.js';
import { invalidProof } from './invalid-proof.js';
import type { DpopAlg } from './types.js';

/** A proof key, imported once: the KeyObject that checks signatures and its RFC 7638 thumbprint. */
export interface ProofKey {
  key: KeyObject;
  jkt: string;
}

/**
 * Members that only a private or symmetric JWK has. A proof carrying one is refused (RFC 9449 §4.3 step 7):
 * the client has leaked its private key into every request, and createPublicKey would quietly derive the
 * public half from it.
 */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;
/** The public members each key type needs, all base64url except `crv`. */
const PUBLIC_MEMBERS: Record<DpopAlg, { kty: string; crv?: string; members: readonly string[] }> = {
  ES256: { kty: 'EC', crv: 'P-256', members: ['x', 'y'] },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', members: ['x'] },
  RS256: { kty: 'RSA', members: ['n', 'e'] },
};

/** Clients sign every request with one key, so its import and thumbprint are done once; the map is bounded. */
const MAX_CACHED_KEYS = 4096;
const imported = new Map<string, ProofKey>();

/**
 * The public key a proof header's `jwk` holds, checked against the header's `alg` (key/algorithm confusion: a
 * P-384 or RSA key never verifies an ES256 proof).
 */
export function importProofKey(jwk: unknown, alg: DpopAlg): ProofKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw invalidProof('dpop_bad_key', 'the DPoP proof header has no jwk object');
  const members = jwk as Record<string, unknown>;
  for (const name of PRIVATE_MEMBERS) {
    if (name in members) throw invalidProof('dpop_private_key', 'the DPoP proof jwk must hold a public key only');
  }
  const shape = PUBLIC_MEMBERS[alg];
  if (members.kty !== shape.kty || (shape.crv !== undefined && members.crv !== shape.crv)) {
    throw invalidProof('dpop_bad_key', `the DPoP proof jwk does not fit ${alg}`);
  }
  for (const name of shape.members) {
    const value = members[name];
    if (typeof value !== 'string' || value === '' || !isCanonicalBase64url(value)) throw invalidProof('dpop_bad_key', `the DPoP proof jwk member ${name} is not base64url`);
  }
  const cacheKey = `${alg}.${shape.members.map((name) => members[name] as string).join('.')}`;
  const known = imported.get(cacheKey);
  if (known !== undefined) return known;
  let key: KeyObject;
  try {
    const publicJwk: JsonWebKey = { kty: shape.kty, ...(shape.crv === undefined ? {} : { crv: shape.crv }) };
    for (const name of shape.members) publicJwk[name] = members[name] as string;
    key = createPublicKey({ key: publicJwk, format: 'jwk' });
  } catch {
    throw invalidProof('dpop_bad_key', 'the DPoP proof jwk is not a usable public key');
  }
  // Weak keys: an RSA modulus under 2048 bits, a point off the curve (createPublicKey refuses that above).
  if (keyMismatch(key, alg) !== undefined) throw invalidProof('dpop_bad_key', `the DPoP proof jwk does not fit ${alg}`);
  const proofKey = { key, jkt: jwkThumbprint(key) };
  if (imported.size >= MAX_CACHED_KEYS) imported.clear();
  imported.set(cacheKey, proofKey);
  return proofKey;
}
