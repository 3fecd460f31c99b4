import { AuthError } from '@tessera/client';

// Codes are for programs, these sentences for people (see docs/errors.md for the catalog).
const SENTENCES: Record<string, string> = {
  invalid_credentials: "That email and password don't match.",
  email_taken: 'There is already an account with this email. Log in instead?',
  account_disabled: 'This account has been disabled. Contact the administrator.',
  rate_limited: 'Too many attempts in a short time. Wait a minute, then try again.',
  network_error: "We couldn't reach the server. Check your connection and try again.",
  invalid_token: 'Your session has ended. Please log in again.',
  token_expired: 'Your session has ended. Please log in again.',
  invalid_grant: 'Your session has ended. Please log in again.',
  csrf_failed: 'The request was refused for your safety. Reload the page and try again.',
  passkey_rejected: 'That passkey could not be verified. Try again, or log in with your password.',
  not_found: 'That no longer exists — it may already have been removed.',
  invalid_two_factor_code: "That code isn't right, or it was already used. Wait for the next code and try again.",
  invalid_challenge: 'This sign-in took too long. Please log in again.',
  two_factor_enabled: 'Two-factor authentication is already on.',
  unavailable: 'The service is briefly unavailable. Please try again in a moment.',
  internal_error: 'Something went wrong on our side. Please try again.',
};

const FALLBACK = 'Something went wrong. Please try again.';

/** One sentence a person understands, for any error the client or the server produced. */
export function describeError(error: unknown): string {
  if (error instanceof AuthError || isCoded(error)) {
    // invalid_request messages are written for people ("The password must be at least 8 characters long.").
    if (error.code === 'invalid_request' && error.message) return error.message;
    const wait = (error as { retryAfter?: unknown }).retryAfter;
    if (error.code === 'rate_limited' && typeof wait === 'number' && wait > 0) {
      return `Too many attempts in a short time. Try again in ${wait < 90 ? `${Math.ceil(wait)} seconds` : `${Math.ceil(wait / 60)} minutes`}.`;
    }
    return SENTENCES[error.code] ?? FALLBACK;
  }
  if (error instanceof TypeError) return SENTENCES.network_error!;
  return FALLBACK;
}

function isCoded(error: unknown): error is { code: string; message: string } {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

/** The error of an API response that is not ok, as an object `describeError` understands. */
export async function responseError(response: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await response.json()) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') return { code: body.error, message: typeof body.message === 'string' ? body.message : '' };
  } catch {
    // not JSON: fall through to the status
  }
  return { code: response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'internal_error' : 'unknown', message: '' };
}
