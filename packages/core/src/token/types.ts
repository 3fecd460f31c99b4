import type { KeyObject } from 'node:crypto';

/** The JWS algorithms Tessera signs and verifies with; `alg: none` and every other name are refused. */
export type SigningAlg = 'ES256' | 'EdDSA' | 'RS256' | 'HS256';
export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA', 'RS256', 'HS256'];

/** The claims of a Tessera access token (RFC 9068 profile). Exactly these, plus what a claims hook adds. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  roles: string[];
  [extra: string]: unknown;
}

/** A key the server signs with. For HS256, privateKey and publicKey are the same secret KeyObject. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A key a verifier accepts: the algorithm is pinned to the key, never read from the token. */
export interface VerificationKey {
  kid: string;
  alg: SigningAlg;
  key: KeyObject;
}

/** The algorithms whose keys are key pairs (published in the JWKS); HS256 is the shared-secret one. */
export type AsymmetricSigningAlg = Exclude<SigningAlg, 'HS256'>;

/** What `createAccessTokenVerifier` needs; validated once, when the verifier is created. */
export interface AccessTokenVerifierOptions {
  /** The only accepted `iss`, compared exactly. */
  issuer: string;
  /** Accepted audiences; a token's `aud` must be one string equal to one of them. */
  audience: string | readonly string[];
  /** Exact-match key lookup (a Map.get); the key pins the algorithm. */
  resolveKey: (kid: string) => VerificationKey | undefined;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5, at most 60. */
  clockToleranceSeconds?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  /** True when the session (`sid`) has been revoked; checked on every call, cached or not. */
  isSessionRevoked?: (sid: string) => boolean;
  /** Verified tokens kept (oldest evicted first). Default 10000; 0 turns the cache off. */
  cacheSize?: number;
  /** Longer tokens are refused before any parsing. Default 8192 characters. */
  maxTokenLength?: number;
}

/** Verifies one access token: returns its claims or throws `TesseraError` (`token_expired` or `invalid_token`). */
export type VerifyAccessToken = (token: string) => AccessTokenClaims;

/** How often the verified-token cache answered since the verifier was made (both 0 when the cache is off). */
export interface VerifierCacheStats {
  /** Calls that found this very token in the cache (its time and revocation checks still ran). */
  hits: number;
  /** Calls that went through full verification. */
  misses: number;
}

/** What `createAccessTokenVerifier` returns: the verifier, and its cache counts for a metrics scrape. */
export type AccessTokenVerifier = VerifyAccessToken & { cacheStats(): VerifierCacheStats };
