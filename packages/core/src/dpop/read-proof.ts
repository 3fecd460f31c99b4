import type { TesseraError } from '../errors.js';
import { isCanonicalBase64url } from '../token/base64url.js';
import { checkSignature } from '../token/check-signature.js';
import { decodeJsonObject } from '../token/decode-json.js';
import { invalidProof } from './invalid-proof.js';
import { importProofKey } from './proof-key.js';
import type { DpopAlg } from './types.js';

/** Longest proof read: an RSA-4096 jwk with the claims fits in well under 4 KiB. */
export const MAX_PROOF_LENGTH = 4096;
/** Longest `jti` kept in the replay cache (RFC 9449 suggests 96 bits of randomness; UUIDs are 36 characters). */
const MAX_JTI_LENGTH = 128;

/** A proof whose form and signature are right; its claims are not yet compared with the request. */
export interface SignedProof {
  jkt: string;
  jti: string;
  htm: string;
  htu: string;
  iat: number;
  ath: unknown;
  nonce: unknown;
}

/**
 * Parses one DPoP proof and checks its signature with the key it carries (RFC 9449 §4.3 steps 2–7). Everything
 * about the request (method, URL, time, replay, token, nonce) is the caller's part.
 */
export function readProof(proof: string, algorithms: ReadonlySet<DpopAlg>): SignedProof {
  if (proof.length > MAX_PROOF_LENGTH) throw invalidProof('dpop_malformed', 'the DPoP proof is longer than 4096 characters');
  const firstDot = proof.indexOf('.');
  const secondDot = firstDot < 0 ? -1 : proof.indexOf('.', firstDot + 1);
  if (secondDot < 0 || proof.indexOf('.', secondDot + 1) >= 0) throw invalidProof('dpop_malformed', 'the DPoP proof is not a compact JWS of three segments');
  const headerSegment = proof.slice(0, firstDot);
  const payloadSegment = proof.slice(firstDot + 1, secondDot);
  const signature = proof.slice(secondDot + 1);
  // Malleability: one proof has exactly one spelling, so the replay cache can't be dodged by respelling it.
  if (!isCanonicalBase64url(headerSegment) || !isCanonicalBase64url(payloadSegment) || signature === '' || !isCanonicalBase64url(signature)) {
    throw invalidProof('dpop_malformed', 'the DPoP proof segments are not canonical base64url');
  }
  const header = decodeJsonObject(headerSegment);
  const payload = decodeJsonObject(payloadSegment);
  if (header === undefined || payload === undefined) throw invalidProof('dpop_malformed', 'the DPoP proof header and payload must be JSON objects');
  // Token confusion: an access token or ID token is not a proof, even when signed by the same key.
  if (header.typ !== 'dpop+jwt') throw invalidProof('dpop_wrong_type', 'the DPoP proof typ must be dpop+jwt');
  // Forgery: `none` or a MAC (HS256, keyed with a public value the attacker knows) would let anyone sign.
  if (typeof header.alg !== 'string' || !algorithms.has(header.alg as DpopAlg)) throw invalidProof('dpop_bad_alg', 'the DPoP proof alg is not an accepted asymmetric algorithm');
  const alg = header.alg as DpopAlg;
  const { key, jkt } = importProofKey(header.jwk, alg);
  try {
    checkSignature({ kid: jkt, alg, key }, proof, secondDot, signature);
  } catch (error) {
    throw invalidProof('dpop_bad_signature', 'the DPoP proof signature is invalid', error as TesseraError);
  }
  const { jti, htm, htu, iat } = payload;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw invalidProof('dpop_missing_claim', 'the DPoP proof needs a jti of 1 to 128 characters');
  if (typeof htm !== 'string' || typeof htu !== 'string') throw invalidProof('dpop_missing_claim', 'the DPoP proof needs htm and htu strings');
  if (typeof iat !== 'number' || !Number.isInteger(iat)) throw invalidProof('dpop_missing_claim', 'the DPoP proof needs an integer iat');
  return { jkt, jti, htm, htu, iat, ath: payload.ath, nonce: payload.nonce };
}
