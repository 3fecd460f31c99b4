import { ERROR_CATALOG, SESSION_ENDING_CODES, type ErrorCode, type TwoFactorChallenge } from '@tessera/wire';

/**
 * Every failure the client reports. `code` and `status` come from the server's `{error, message}` body;
 * a request that never got an answer is `network_error` with status 0. Messages are the server's sentences
 * or fixed text of ours — never a token.
 */
/**
 * What `AuthError.code` can be: a code of the server's catalog (@tessera/wire), or one of the client's own:
 * `network_error` (no answer came), `http_error` (an answer that is not the contract's error body),
 * `invalid_response` (a success body without what it must carry), `session_changed` (the session ended or
 * changed while a refresh was under way).
 */
export type AuthErrorCode = ErrorCode | 'network_error' | 'http_error' | 'invalid_response' | 'session_changed';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly status: number;
  /** Seconds from `Retry-After` on a 429, when the server sent it. */
  readonly retryAfter: number | undefined;
  /**
   * With `two_factor_required` (login of an account with a second factor): the challenge to pass to
   * `client.twoFactor.verify` with a code.
   */
  readonly twoFactor: TwoFactorChallenge | undefined;

  constructor(code: AuthErrorCode, status: number, message: string, options: { cause?: unknown; retryAfter?: number; twoFactor?: TwoFactorChallenge } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = status;
    this.retryAfter = options.retryAfter;
    this.twoFactor = options.twoFactor;
  }
}

/** Codes meaning "there is no usable session": restore() reports them as unauthenticated instead of failing. */
export function endsSession(error: unknown): boolean {
  return error instanceof AuthError && (SESSION_ENDING_CODES as readonly string[]).includes(error.code);
}

export function networkError(cause: unknown): AuthError {
  return new AuthError('network_error', 0, 'The server could not be reached.', { cause });
}

/** Reads the contract's error body from a non-2xx response; anything else gets a generic code. */
export async function readAuthError(response: Response): Promise<AuthError> {
  const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
  const extra = Number.isFinite(retryAfter) ? { retryAfter } : {};
  const body = await readJson(response);
  if (isRecord(body) && typeof body.error === 'string' && isErrorCode(body.error)) {
    const message = typeof body.message === 'string' ? body.message : `The server answered ${response.status}.`;
    const twoFactor = readTwoFactorChallenge(body.twoFactor);
    return new AuthError(body.error, response.status, message, twoFactor ? { ...extra, twoFactor } : extra);
  }
  return new AuthError('http_error', response.status, `The server answered ${response.status}.`, extra);
}

/** The error code of a JSON error body, read from a clone so the caller can still read the response. */
export async function peekErrorCode(response: Response): Promise<string | null> {
  return errorCodeOf(await readJson(response.clone()));
}

/**
 * The error code of a parsed error body: the contract's `{error}`, or a GraphQL response's first
 * `errors[].extensions.code` (Tessera's POST /graphql answers a refused Bearer token with 401 and
 * `token_expired` or `invalid_token` there).
 */
export function errorCodeOf(body: unknown): string | null {
  if (!isRecord(body)) return null;
  if (typeof body.error === 'string') return body.error;
  const first: unknown = Array.isArray(body.errors) ? body.errors[0] : undefined;
  const code = isRecord(first) && isRecord(first.extensions) ? first.extensions.code : undefined;
  return typeof code === 'string' ? code : null;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a code from a response body is one of the catalog's (an unknown one is reported as `http_error`). */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, code);
}

function readTwoFactorChallenge(value: unknown): TwoFactorChallenge | undefined {
  if (!isRecord(value) || typeof value.challenge !== 'string' || !Array.isArray(value.methods) || typeof value.expiresIn !== 'number') return undefined;
  const methods = value.methods.filter((m): m is 'totp' | 'recovery_code' => m === 'totp' || m === 'recovery_code');
  return { challenge: value.challenge, methods, expiresIn: value.expiresIn };
}
