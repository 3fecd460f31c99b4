import { timingSafeEqual } from 'node:crypto';
import { TesseraError } from '../errors.js';
import { accessTokenHash } from './ath.js';
import { normaliseHtu } from './htu.js';
import { invalidProof } from './invalid-proof.js';
import { readProof } from './read-proof.js';
import { DPOP_ALGS, type DpopProofVerifierOptions, type VerifyDpopProof } from './types.js';

/**
 * Builds the DPoP proof verifier (RFC 9449 §4.3). Options are validated here, once. The returned function
 * checks a request's `DPoP` header against its method, URL, access token and bound key, and records the proof
 * in the replay cache; it throws `invalid_dpop_proof` (with a `reason`) or `use_dpop_nonce`.
 */
export function createDpopProofVerifier(options: DpopProofVerifierOptions): VerifyDpopProof {
  const algorithms = new Set(options.algorithms ?? DPOP_ALGS);
  if (algorithms.size === 0) throw new TypeError('algorithms must name at least one DPoP algorithm');
  for (const alg of algorithms) {
    if (!DPOP_ALGS.includes(alg)) throw new TypeError(`${String(alg)} is not a DPoP algorithm; use ES256, EdDSA or RS256`);
  }
  const maxAge = options.maxAgeSeconds ?? 60;
  if (!Number.isInteger(maxAge) || maxAge < 1 || maxAge > 300) throw new TypeError('maxAgeSeconds must be a whole number from 1 to 300');
  const tolerance = options.clockToleranceSeconds ?? 5;
  if (!Number.isInteger(tolerance) || tolerance < 0 || tolerance > 60) throw new TypeError('clockToleranceSeconds must be a whole number from 0 to 60');
  const { replayCache, nonces } = options;
  const now = options.now ?? Date.now;

  return async function verifyDpopProof(header, request) {
    if (header === null || header === undefined || header === '') throw invalidProof('dpop_missing', 'the request needs a DPoP proof header');
    // Ambiguity: with two proofs, which one was checked would depend on the parser (RFC 9449 §4.3 step 1).
    if (typeof header !== 'string') {
      if (header.length !== 1) throw invalidProof('dpop_malformed', 'send exactly one DPoP header');
    }
    const proof = readProof(typeof header === 'string' ? header : (header[0] as string), algorithms);

    // Proofs moved to another endpoint or method: a proof captured for GET /api/user must not refresh a session.
    if (proof.htm !== request.method) throw invalidProof('dpop_wrong_method', 'the DPoP proof htm does not match the request method');
    const htu = normaliseHtu(proof.htu);
    if (htu === undefined || !urlsOf(request.url).some((url) => normaliseHtu(url) === htu)) throw invalidProof('dpop_wrong_url', 'the DPoP proof htu does not match the request URL');

    // Pre-made and long-lived proofs: a proof is good for maxAge seconds after it was made, and not before.
    const nowMs = now();
    const nowSeconds = Math.floor(nowMs / 1000);
    if (!Number.isFinite(nowSeconds)) throw new TypeError('the DPoP verifier clock (now) must return milliseconds as a finite number');
    if (proof.iat > nowSeconds + tolerance) throw invalidProof('dpop_future', 'the DPoP proof iat is in the future');
    if (proof.iat < nowSeconds - maxAge - tolerance) throw invalidProof('dpop_stale', 'the DPoP proof is too old');

    if (request.accessToken !== undefined) {
      // Proof for another token: ath ties the proof to exactly the access token sent with it (RFC 9449 §4.3 step 12).
      if (typeof proof.ath !== 'string') throw invalidProof('dpop_missing_ath', 'the DPoP proof needs ath, the hash of the access token');
      if (!sameText(proof.ath, accessTokenHash(request.accessToken))) throw invalidProof('dpop_wrong_ath', 'the DPoP proof ath does not match the access token');
    }
    // Token or refresh token theft: only the key the session was bound to may use it.
    if (request.boundJkt !== undefined && !sameText(proof.jkt, request.boundJkt)) {
      throw invalidProof('dpop_wrong_key', 'the DPoP proof is signed by a key other than the one this session is bound to');
    }

    if (nonces !== undefined && (typeof proof.nonce !== 'string' || !nonces.isValid(proof.nonce))) {
      throw new TesseraError('use_dpop_nonce', undefined, { reason: 'dpop_nonce' });
    }

    // Replay: a captured proof sent again (by anyone) within its lifetime. Keyed by key and jti, so one client
    // cannot spend another's identifiers. Last, so a proof refused above does not use up its jti.
    const expiresAtMs = (proof.iat + maxAge + tolerance) * 1000 + 1000;
    if (!(await replayCache.claim(`${proof.jkt}.${proof.jti}`, expiresAtMs))) throw invalidProof('dpop_replayed', 'the DPoP proof has been used before');
    return { jkt: proof.jkt, jti: proof.jti, iat: proof.iat };
  };
}

function urlsOf(url: string | readonly string[]): readonly string[] {
  return typeof url === 'string' ? [url] : url;
}

/** Constant-time equality of two ASCII strings (hashes and thumbprints: nothing to learn byte by byte). */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, 'latin1');
  const right = Buffer.from(b, 'latin1');
  return left.length === right.length && timingSafeEqual(left, right);
}
