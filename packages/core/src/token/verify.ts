import { TesseraError } from '../errors.js';
import { isCanonicalBase64url } from './base64url.js';
import { checkClaims } from './check-claims.js';
import { checkHeader } from './check-header.js';
import { checkSignature } from './check-signature.js';
import { invalidToken } from './invalid-token.js';
import { TokenCache } from './token-cache.js';
import type { AccessTokenClaims, AccessTokenVerifier, AccessTokenVerifierOptions, VerifierCacheStats } from './types.js';
import { resolveVerifierOptions } from './verifier-options.js';

/**
 * Builds the synchronous access-token verifier (the hot path). Options are validated here, once. The returned
 * function throws `TesseraError('token_expired')` only for a token whose sole fault is its `exp`, and
 * `TesseraError('invalid_token', …)` for everything else; messages never echo the token.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const config = resolveVerifierOptions(options);
  const { maxTokenLength, now, isSessionRevoked, toleranceSeconds } = config;
  const cache = config.cacheSize > 0 ? new TokenCache(config.cacheSize) : undefined;
  // Plain integers on the hot path: a metrics scrape reads them through cacheStats(), nothing runs per call.
  let hits = 0;
  let misses = 0;

  /** Checks that change with time or state; run on every call, including cache hits. */
  function checkStillValid(token: string, claims: AccessTokenClaims, nowSeconds: number): AccessTokenClaims {
    // Revoked sessions: logout, password change or refresh-token reuse must kill live access tokens at once.
    if (isSessionRevoked !== undefined && isSessionRevoked(claims.sid)) {
      cache?.delete(token);
      throw invalidToken('revoked', 'the session has been revoked');
    }
    // Replay after expiry. Checked last, so token_expired always means "fine except for its age".
    if (claims.exp <= nowSeconds - toleranceSeconds) {
      cache?.delete(token);
      throw new TesseraError('token_expired', undefined, { reason: 'expired' });
    }
    return claims;
  }

  function verifyUncached(token: string, nowSeconds: number): AccessTokenClaims {
    const firstDot = token.indexOf('.');
    const secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
    // Serialization confusion: only the compact form is accepted — not the JWS JSON serialization, not a
    // five-part JWE, not an opaque refresh token — so there is exactly one way to read a token.
    if (secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0) throw invalidToken('malformed', 'the token is not a compact JWS of three segments');
    // Malleability: every segment must be canonical base64url (see isCanonicalBase64url) — one signed token has
    // exactly one spelling. checkHeader checks the header the first time it meets that exact text.
    const key = checkHeader(token.slice(0, firstDot), config.resolveKey);
    const payload = token.slice(firstDot + 1, secondDot);
    if (!isCanonicalBase64url(payload)) throw notCanonical('payload');
    const signature = token.slice(secondDot + 1);
    // Signature stripping: an empty signature is never "no signature needed".
    if (signature.length === 0) throw invalidToken('malformed', 'the token has no signature');
    if (!isCanonicalBase64url(signature)) throw notCanonical('signature');
    checkSignature(key, token, secondDot, signature);
    const claims = checkStillValid(token, checkClaims(payload, config, nowSeconds), nowSeconds);
    // Only tokens that passed every check are cached.
    cache?.add(token, claims, key.kid);
    return claims;
  }

  function verifyAccessToken(token: string): AccessTokenClaims {
    if (typeof token !== 'string') throw invalidToken('malformed', 'the token is not a string');
    // Resource exhaustion: an oversized token (huge header, deep JSON) is refused before any decoding.
    if (token.length > maxTokenLength) throw invalidToken('too_long', 'the token is longer than the allowed maximum');
    const nowSeconds = Math.floor(now() / 1000);
    // Fail closed: with a clock that returns NaN, every exp/nbf/iat comparison would be false and pass.
    if (!Number.isFinite(nowSeconds)) throw new TypeError('the verifier clock (now) must return milliseconds as a finite number');
    if (cache === undefined) return verifyUncached(token, nowSeconds);
    const cached = cache.get(token);
    if (cached !== undefined) {
      // Key withdrawal: once a key leaves the key set (a compromised key deleted, a JWKS that stops listing it),
      // its cached tokens go through full verification again, which refuses them, instead of living on here.
      if (config.resolveKey(cached.kid) !== undefined) {
        hits += 1;
        return checkStillValid(token, cached.claims, nowSeconds);
      }
      cache.delete(token);
    }
    misses += 1;
    return verifyUncached(token, nowSeconds);
  }

  return Object.assign(verifyAccessToken, { cacheStats: (): VerifierCacheStats => ({ hits, misses }) });
}

function notCanonical(segment: 'payload' | 'signature'): TesseraError {
  return invalidToken('malformed', `the token ${segment} is not canonical base64url`);
}
