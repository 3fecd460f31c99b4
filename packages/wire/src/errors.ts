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
  passkey_rejected: { status: 400, message: 'The passkey could not be verified.' },
  // Second factor (TOTP and recovery codes); see README "Two-factor authentication".
  two_factor_required: { status: 401, message: 'This account needs a second factor: send a code with the challenge to POST /auth/two-factor/verify.' },
  invalid_two_factor_code: { status: 401, message: 'The code is incorrect or was already used.' },
  invalid_challenge: { status: 401, message: 'The second-factor challenge is unknown, used or expired; log in again.' },
  two_factor_enabled: { status: 409, message: 'Two-factor authentication is already on; turn it off first.' },
  email_unverified: { status: 403, message: 'Verify your email address before logging in; we sent you a link.' },
  invalid_link: { status: 400, message: 'This link is invalid, expired or already used; ask for a new one.' },
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
  /** Only with `two_factor_required`: the challenge to answer with a second factor. */
  twoFactor?: TwoFactorChallenge;
}

/** Sent with `401 two_factor_required` when a login's password was right and the account has a second factor. */
export interface TwoFactorChallenge {
  /** Single use, bound to the user; answer it at `POST /auth/two-factor/verify`. */
  challenge: string;
  /** What may answer it. */
  methods: Array<'totp' | 'recovery_code'>;
  /** Seconds until it expires. */
  expiresIn: number;
}
