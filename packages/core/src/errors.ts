/**
 * The one error catalog. Every failure that reaches a person or a client carries a stable `code`; the HTTP
 * status and the RFC 6750 challenge are derived from the code here and nowhere else. `docs/errors.md` lists
 * the same catalog and `errors.test.ts` keeps the two in agreement.
 */
export const ERROR_CATALOG = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  invalid_credentials: { status: 401, message: 'The email or password is incorrect.' },
  token_expired: { status: 401, message: 'The access token has expired.' },
  invalid_token: { status: 401, message: 'The access token is invalid.' },
  invalid_grant: { status: 401, message: 'The refresh token is invalid, expired or revoked.' },
  csrf_failed: { status: 403, message: 'The CSRF check failed.' },
  insufficient_scope: { status: 403, message: 'The access token lacks a role or scope this resource needs.' },
  account_disabled: { status: 403, message: 'This account has been disabled; contact the administrator.' },
  not_found: { status: 404, message: 'Not found.' },
  email_taken: { status: 409, message: 'An account with this email already exists.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  rate_limited: { status: 429, message: 'Too many requests; try again later.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  unavailable: { status: 503, message: 'A backing store is unavailable; try again shortly.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

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
] as const;
export type TokenFailureReason = (typeof TOKEN_FAILURE_REASONS)[number];

export class TesseraError extends Error {
  override readonly name = 'TesseraError';
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds until a retry may succeed (429). */
  readonly retryAfter: number | undefined;
  /** Which check refused an access token; undefined for every other failure. Not sent on the wire. */
  readonly reason: TokenFailureReason | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryAfter?: number; reason?: TokenFailureReason }) {
    super(message ?? ERROR_CATALOG[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.retryAfter = options?.retryAfter;
    this.reason = options?.reason;
  }

  toJSON(): { error: ErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}

export function isTesseraError(value: unknown): value is TesseraError {
  return value instanceof TesseraError;
}
