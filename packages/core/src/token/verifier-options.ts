import type { AccessTokenVerifierOptions, VerificationKey } from './types.js';

export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
export const MAX_CLOCK_TOLERANCE_SECONDS = 60;
export const DEFAULT_VERIFY_CACHE_SIZE = 10_000;
export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

/** The options after validation: every default applied, audiences as a set. */
export interface VerifierConfig {
  issuer: string;
  audiences: ReadonlySet<string>;
  resolveKey: (kid: string) => VerificationKey | undefined;
  toleranceSeconds: number;
  now: () => number;
  isSessionRevoked: ((sid: string) => boolean) | undefined;
  cacheSize: number;
  maxTokenLength: number;
}

/** Validates the verifier options once, at start-up, so a misconfiguration never surfaces per request. */
export function resolveVerifierOptions(options: AccessTokenVerifierOptions): VerifierConfig {
  if (typeof options.issuer !== 'string' || options.issuer.length === 0) throw new TypeError('the verifier needs an issuer');
  const audiences = typeof options.audience === 'string' ? [options.audience] : options.audience;
  if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every((aud) => typeof aud === 'string' && aud.length > 0)) {
    throw new TypeError('the verifier needs an audience: a non-empty string or a non-empty list of them');
  }
  if (typeof options.resolveKey !== 'function') throw new TypeError('the verifier needs a resolveKey function');
  const toleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isFinite(toleranceSeconds) || toleranceSeconds < 0 || toleranceSeconds > MAX_CLOCK_TOLERANCE_SECONDS) {
    throw new RangeError(`the clock tolerance must be between 0 and ${MAX_CLOCK_TOLERANCE_SECONDS} seconds`);
  }
  const cacheSize = options.cacheSize ?? DEFAULT_VERIFY_CACHE_SIZE;
  if (!Number.isSafeInteger(cacheSize) || cacheSize < 0) throw new RangeError('the verify cache size must be a whole number ≥ 0');
  const maxTokenLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  if (!Number.isSafeInteger(maxTokenLength) || maxTokenLength <= 0) throw new RangeError('the maximum token length must be a positive whole number');
  if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function returning milliseconds');
  if (options.isSessionRevoked !== undefined && typeof options.isSessionRevoked !== 'function') {
    throw new TypeError('isSessionRevoked must be a function');
  }
  return {
    issuer: options.issuer,
    audiences: new Set(audiences),
    resolveKey: options.resolveKey,
    toleranceSeconds,
    now: options.now ?? Date.now,
    isSessionRevoked: options.isSessionRevoked,
    cacheSize,
    maxTokenLength,
  };
}
