import type { JsonWebKey, KeyObject } from 'node:crypto';
import type { PublicJwk } from '@tessera/core/keys';
import { SIGNING_ALGS, type SigningAlg } from '@tessera/core/token';
import { DEFAULT_KEY_PREFIX } from '@tessera/wire';
import { createDpopProofVerifier, createMemoryReplayCache, createRedisReplayCache, type DpopNonces, type DpopReplayCache, type VerifyDpopProof } from '@tessera/core/dpop';
import type { Redis } from 'ioredis';

/** A fixed key as the guard takes it; core's `publicJwk()` output fits as it is, so a key never needs a cast. */
export type GuardKey = KeyObject | JsonWebKey | PublicJwk | string;

/** The `fetch` the guard calls for the JWKS; `globalThis.fetch` fits, and so does a counting wrapper in tests. */
export type GuardFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface RevocationOptions {
  /** An ioredis client; the guard reads the sorted set with it and `duplicate()`s it for the subscription. */
  redis: Redis;
  /** Prefix of the channel and the sorted set; must match the servers'. Default `tessera:`. */
  keyPrefix?: string;
  /** How long a revocation is remembered, in ms. Default 24 h (any sane access-token lifetime). */
  keepMs?: number;
  /** Feed problems (Redis down, a resync that failed). Default: one `console.warn` line each. */
  onError?: (error: Error) => void;
  /** How long a request waits for the first resync before answering 503. Default 2000 ms. */
  syncTimeoutMs?: number;
}

export interface GuardOptions {
  /** The exact `iss` of the tokens (the server's TESSERA_ISSUER). */
  issuer: string;
  /** Accepted audiences; a token's `aud` must be one string equal to one of them. */
  audience: string | readonly string[];
  /** Accepted algorithms: a non-empty subset of ES256, EdDSA, RS256, HS256. Keys of any other alg are ignored. */
  algorithms: readonly SigningAlg[];
  /** Where the public keys are (`https://auth.example.com/.well-known/jwks.json`). Exactly one of jwksUrl and key. */
  jwksUrl?: string | URL;
  /** One fixed key: a public KeyObject, public JWK or PEM; for HS256 a secret KeyObject or `oct` JWK (then `kid` is required). */
  key?: GuardKey;
  /** The kid tokens signed with `key` carry. Default: the JWK's `kid`, else the key's RFC 7638 thumbprint. */
  kid?: string;
  /** Default `globalThis.fetch`. */
  fetch?: GuardFetch;
  /** An unknown kid refetches the JWKS at most once per this many ms. Default 30 000. */
  cooldownMs?: number;
  /** The JWKS is refetched when older than this, so removed keys stop verifying. Default 600 000 (10 min). */
  maxAgeMs?: number;
  /** Leeway for `exp`, `nbf` and `iat`, in seconds. Default 5, at most 60. */
  clockToleranceSeconds?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Verified tokens kept in memory. Default 10 000; 0 turns the cache off. */
  cacheSize?: number;
  /** Subscribe to the Redis revocation feed (docs/revocation-feed.md). */
  revocation?: RevocationOptions;
  /** How DPoP-bound tokens (`cnf.jkt`, RFC 9449) are checked; they are always refused without a proof. */
  dpop?: GuardDpopOptions;
}

export interface GuardDpopOptions {
  /**
   * Where used proof ids are remembered, so a captured proof cannot be sent twice. Default: in Redis when
   * `revocation` is given (shared by every instance and the servers on that Redis), else in this process's memory.
   */
  replayCache?: DpopReplayCache;
  /**
   * The origin clients address this service by (`https://api.example.com`), when a proxy in front changes the
   * scheme or host the framework sees: a proof may name the request's URL under either.
   */
  publicOrigin?: string;
  /** How long after its `iat` a proof is accepted, in seconds. Default 60. */
  maxAgeSeconds?: number;
  /**
   * Server nonces (RFC 9449 §8), e.g. `createDpopNonces({ secret })` from `@tessera/core/dpop`: every proof must
   * then carry a current one (else `401 use_dpop_nonce`), and `requireAuth` hands the current one out in
   * `DPoP-Nonce` on every answer to a request with a `DPoP` header. Unset: proofs need no nonce.
   */
  nonces?: DpopNonces;
}

export const DEFAULT_COOLDOWN_MS = 30_000;
export const DEFAULT_MAX_AGE_MS = 10 * 60_000;
export const DEFAULT_KEEP_MS = 24 * 60 * 60_000;
export { DEFAULT_KEY_PREFIX };
export const DEFAULT_SYNC_TIMEOUT_MS = 2_000;

/** The key source after validation: either a JWKS URL or one fixed key (imported by static-key.ts). */
export type KeySourceOptions =
  | { kind: 'jwks'; url: string; fetch: GuardFetch; cooldownMs: number; maxAgeMs: number }
  | { kind: 'key'; key: GuardKey; kid: string | undefined };

export interface ResolvedRevocation {
  redis: Redis;
  keyPrefix: string;
  keepMs: number;
  onError: (error: Error) => void;
  syncTimeoutMs: number;
}

/** Thrown for every option mistake, so the message names the factory that refused. */
function fail(sentence: string): never {
  throw new TypeError(`createGuard: ${sentence}`);
}

function isNonNegative(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Algorithms: a non-empty list of names Tessera knows; anything else is a configuration mistake, not a filter. */
export function resolveAlgorithms(value: unknown): ReadonlySet<SigningAlg> {
  if (!Array.isArray(value) || value.length === 0) {
    fail(`"algorithms" is required: a non-empty list drawn from ${SIGNING_ALGS.join(', ')} (the server's TESSERA_SIGNING_ALG).`);
  }
  for (const alg of value) {
    if (!SIGNING_ALGS.includes(alg as SigningAlg)) fail(`"algorithms" contains ${JSON.stringify(alg)}; only ${SIGNING_ALGS.join(', ')} are accepted.`);
  }
  return new Set(value as SigningAlg[]);
}

export function resolveKeySource(options: GuardOptions): KeySourceOptions {
  const hasUrl = options.jwksUrl !== undefined;
  const hasKey = options.key !== undefined;
  if (hasUrl === hasKey) fail('give exactly one key source: "jwksUrl" (the server\'s /.well-known/jwks.json) or "key" (one fixed key).');
  if (options.kid !== undefined && (typeof options.kid !== 'string' || options.kid.length === 0)) fail('"kid" must be a non-empty string.');
  if (hasKey) {
    if (options.fetch !== undefined || options.cooldownMs !== undefined || options.maxAgeMs !== undefined) {
      fail('"fetch", "cooldownMs" and "maxAgeMs" only apply with "jwksUrl".');
    }
    return { kind: 'key', key: options.key as GuardKey, kid: options.kid };
  }
  if (options.kid !== undefined) fail('"kid" only applies with "key"; a JWKS names its own keys.');
  let url: URL;
  try {
    url = new URL(options.jwksUrl as string | URL);
  } catch {
    fail('"jwksUrl" is not a valid URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail('"jwksUrl" must be an http(s) URL.');
  if (url.username !== '' || url.password !== '') fail('"jwksUrl" must not carry credentials.');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('"fetch" must be a function like globalThis.fetch.');
  const cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  if (!isNonNegative(cooldownMs)) fail('"cooldownMs" must be a number of milliseconds ≥ 0.');
  const maxAgeMs = options.maxAgeMs ?? Math.max(DEFAULT_MAX_AGE_MS, cooldownMs);
  if (!isNonNegative(maxAgeMs) || maxAgeMs < cooldownMs) fail('"maxAgeMs" must be a number of milliseconds ≥ "cooldownMs".');
  return { kind: 'jwks', url: url.href, fetch: fetchImpl, cooldownMs, maxAgeMs };
}

export function resolveRevocation(options: RevocationOptions | undefined): ResolvedRevocation | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) fail('"revocation" must be an object: { redis, keyPrefix?, keepMs? }.');
  const { redis } = options;
  if (typeof redis !== 'object' || redis === null || typeof redis.duplicate !== 'function' || typeof redis.zrangebyscore !== 'function') {
    fail('"revocation.redis" must be an ioredis client (new Redis(url)).');
  }
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (typeof keyPrefix !== 'string') fail('"revocation.keyPrefix" must be a string such as "tessera:".');
  const keepMs = options.keepMs ?? DEFAULT_KEEP_MS;
  if (!isNonNegative(keepMs) || keepMs === 0) fail('"revocation.keepMs" must be a positive number of milliseconds.');
  const syncTimeoutMs = options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS;
  if (!isNonNegative(syncTimeoutMs)) fail('"revocation.syncTimeoutMs" must be a number of milliseconds ≥ 0.');
  if (options.onError !== undefined && typeof options.onError !== 'function') fail('"revocation.onError" must be a function.');
  const onError = options.onError ?? ((error: Error) => console.warn(`[tessera/guard] revocation feed: ${error.message}`));
  return { redis, keyPrefix, keepMs, onError, syncTimeoutMs };
}

/** Re-throws a core validation error (issuer, audience, tolerance…) under the factory's name. */
export function rethrowAsGuardError(error: unknown): never {
  if (error instanceof TypeError || error instanceof RangeError) fail(`${error.message}.`);
  throw error;
}

/** The DPoP proof verifier: core's, with the replay cache in Redis when the revocation feed's Redis is there. */
export function resolveDpop(options: GuardOptions, revocation: ResolvedRevocation | undefined): { verifyProof: VerifyDpopProof; publicOrigin: string | undefined; nonces: DpopNonces | undefined } {
  const dpop = options.dpop ?? {};
  if (typeof dpop !== 'object' || dpop === null) fail('"dpop" must be an object: { replayCache?, publicOrigin?, maxAgeSeconds?, nonces? }.');
  const { nonces } = dpop;
  if (nonces !== undefined && (typeof nonces !== 'object' || nonces === null || typeof nonces.current !== 'function' || typeof nonces.isValid !== 'function')) {
    fail('"dpop.nonces" must be nonces from createDpopNonces({ secret }) (@tessera/core/dpop): { current(), isValid(nonce) }.');
  }
  let publicOrigin: string | undefined;
  if (dpop.publicOrigin !== undefined) {
    let url: URL;
    try {
      url = new URL(dpop.publicOrigin);
    } catch {
      fail('"dpop.publicOrigin" is not a URL; give an origin such as https://api.example.com.');
    }
    if (url.origin !== dpop.publicOrigin) fail(`"dpop.publicOrigin" must be a bare origin such as ${url.origin}, without path or trailing slash.`);
    publicOrigin = url.origin;
  }
  const replayCache = dpop.replayCache ?? (revocation ? createRedisReplayCache(revocation.redis, { keyPrefix: revocation.keyPrefix }) : createMemoryReplayCache({ now: options.now }));
  try {
    return {
      verifyProof: createDpopProofVerifier({ replayCache, now: options.now, clockToleranceSeconds: options.clockToleranceSeconds, maxAgeSeconds: dpop.maxAgeSeconds, nonces }),
      publicOrigin,
      nonces,
    };
  } catch (error) {
    return rethrowAsGuardError(error);
  }
}
