import { decodeSegmentText, parseJsonObject } from './decode-json.js';
import { freezeClaims } from './deep-freeze.js';
import { invalidToken } from './invalid-token.js';
import type { AccessTokenClaims } from './types.js';

export interface ClaimRules {
  issuer: string;
  audiences: ReadonlySet<string>;
  toleranceSeconds: number;
}

/**
 * Checks everything in the payload except expiry, which the caller checks last so that `token_expired` only
 * ever describes a token whose one fault is its age. `nowSeconds` is whole seconds, as jose counts them.
 * Returns the claims frozen (see freezeClaims).
 */
export function checkClaims(segment: string, rules: ClaimRules, nowSeconds: number): AccessTokenClaims {
  const text = decodeSegmentText(segment);
  const claims = text === undefined ? undefined : parseJsonObject(text);
  if (claims === undefined) throw invalidToken('malformed', 'the token payload is not a JSON object');
  // Immortal tokens: a token without a finite exp would never expire.
  if (!isFiniteNumber(claims.exp)) throw invalidToken('missing_claim', 'the token has no numeric exp claim');
  if (!isFiniteNumber(claims.iat)) throw invalidToken('missing_claim', 'the token has no numeric iat claim');
  // Pre-minted tokens: a token issued "in the future" (skewed or stolen signer) to be used later.
  if (claims.iat > nowSeconds + rules.toleranceSeconds) throw invalidToken('issued_in_future', 'the token iat is in the future');
  if (Object.hasOwn(claims, 'nbf')) {
    if (!isFiniteNumber(claims.nbf)) throw invalidToken('malformed', 'the token nbf claim is not a number');
    // Early use: a token that says it is not valid yet must not be honoured yet.
    if (claims.nbf > nowSeconds + rules.toleranceSeconds) throw invalidToken('not_yet_valid', 'the token is not valid yet (nbf is in the future)');
  }
  // Cross-issuer substitution: a token from another issuer that happens to share a key id.
  if (claims.iss !== rules.issuer) throw invalidToken('wrong_issuer', 'the token was not issued by this issuer');
  // Audience confusion: only one string audience, equal to one we serve. An array is refused even when it
  // contains ours, since a token meant for several services can be replayed from any of them.
  if (typeof claims.aud !== 'string') throw invalidToken('wrong_audience', 'the token aud is not a single string');
  if (!rules.audiences.has(claims.aud)) throw invalidToken('wrong_audience', 'the token is meant for another audience');
  // Identity confusion: an empty or non-string sub/sid/jti would match "no user" or "any session" downstream.
  if (!isNonEmptyString(claims.sub)) throw invalidToken('missing_claim', 'the token sub claim is missing or empty');
  if (!isNonEmptyString(claims.sid)) throw invalidToken('missing_claim', 'the token sid claim is missing or empty');
  if (!isNonEmptyString(claims.jti)) throw invalidToken('missing_claim', 'the token jti claim is missing or empty');
  // Privilege confusion: roles must be exactly a list of names, never a string that `includes()` would search.
  const roles = claims.roles;
  if (!Array.isArray(roles)) throw invalidToken('malformed', 'the token roles claim is not an array of strings');
  for (let index = 0; index < roles.length; index++) {
    if (typeof roles[index] !== 'string') throw invalidToken('malformed', 'the token roles claim is not an array of strings');
  }
  return freezeClaims(claims as AccessTokenClaims, text as string);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
