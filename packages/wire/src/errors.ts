/**
 * The one error catalog. Every failure that reaches a person or a client carries a stable `code`; the HTTP
 * status and the RFC 6750 challenge are derived from the code here and nowhere else. `docs/errors.md` lists
 * the same catalog and core's `errors.test.ts` keeps the two in agreement.
 */
export const ERROR_CATALOG = {
  invalid_request: { status: 400, message: 'The request is malformed.' },
  invalid_credentials: { status: 401, message: 'The email or password is incorrect.' },
  token_expired: { status: 401, message: 'The access token has expired.' },
  invalid_token: { status: 401, message: 'The access token is invalid.' },
  invalid_grant: { status: 401, message: 'The refresh token is invalid, expired or revoked.' },
  invalid_dpop_proof: { status: 401, message: 'The DPoP proof is invalid.' },
  use_dpop_nonce: { status: 401, message: 'Sign the DPoP proof again with the nonce in the DPoP-Nonce header.' },
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

/** Codes meaning "there is no usable session": a client drops its session and asks the user to log in again. */
export const SESSION_ENDING_CODES = ['invalid_grant', 'invalid_token', 'csrf_failed'] as const satisfies readonly ErrorCode[];

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
}
