import { ERROR_CATALOG, type ErrorBody, type ErrorCode, type TwoFactorChallenge } from '@tessera/wire';

/** The error catalog is part of the wire contract (@tessera/wire); core's errors carry its codes. */
export { ERROR_CATALOG, type ErrorCode };

/**
 * Why an access token was refused, for programs: the wire code stays coarse (`invalid_token`, `token_expired`),
 * and `TesseraError.reason` says which check failed, as jose's claim errors carry `reason`. Tests and callers
 * branch on this, never on the sentence.
 */
export const TOKEN_FAILURE_REASONS = [
  'malformed',
  'too_long',
  'forbidden_header',
  'wrong_type',
  'unknown_kid',
  'alg_mismatch',
  'unusable_key',
  'bad_signature',
  'missing_claim',
  'issued_in_future',
  'not_yet_valid',
  'expired',
  'wrong_issuer',
  'wrong_audience',
  'revoked',
  'account_gone',
  'bound_to_key',
  'not_bound',
] as const;
export type TokenFailureReason = (typeof TOKEN_FAILURE_REASONS)[number];

/** Why a DPoP proof (RFC 9449) was refused; the wire code is `invalid_dpop_proof` or `use_dpop_nonce`. */
export const DPOP_FAILURE_REASONS = [
  'dpop_missing',
  'dpop_malformed',
  'dpop_wrong_type',
  'dpop_bad_alg',
  'dpop_bad_key',
  'dpop_private_key',
  'dpop_bad_signature',
  'dpop_missing_claim',
  'dpop_wrong_method',
  'dpop_wrong_url',
  'dpop_stale',
  'dpop_future',
  'dpop_replayed',
  'dpop_missing_ath',
  'dpop_wrong_ath',
  'dpop_wrong_key',
  'dpop_nonce',
] as const;
export type DpopFailureReason = (typeof DPOP_FAILURE_REASONS)[number];

export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds until a retry may succeed (429). */
  readonly retryAfter: number | undefined;
  /** Which check refused an access token or DPoP proof; undefined for every other failure. Not sent on the wire. */
  readonly reason: TokenFailureReason | DpopFailureReason | undefined;
  /** With `two_factor_required` only: the challenge the caller answers with a second factor (sent on the wire). */
  readonly twoFactor: TwoFactorChallenge | undefined;

  constructor(
    code: ErrorCode,
    message?: string,
    options?: { cause?: unknown; retryAfter?: number; reason?: TokenFailureReason | DpopFailureReason; twoFactor?: TwoFactorChallenge },
  ) {
    super(message ?? ERROR_CATALOG[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.retryAfter = options?.retryAfter;
    this.reason = options?.reason;
    this.twoFactor = options?.twoFactor;
  }

  toJSON(): ErrorBody {
    return this.twoFactor ? { error: this.code, message: this.message, twoFactor: this.twoFactor } : { error: this.code, message: this.message };
  }
}

export function isTesseraError(value: unknown): value is TesseraError {
  return value instanceof TesseraError;
}
