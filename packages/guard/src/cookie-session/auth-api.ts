import { ERROR_CATALOG, TesseraError, type ErrorCode } from '@tessera/core/errors';

/** The `fetch` cookie mode calls the auth server with: `globalThis.fetch`, or the server's in-process fetch handler. */
export type AuthFetch = (url: string, init: RequestInit) => Promise<Response>;

/** What login and refresh answer with `transport: "body"`. */
export interface IssuedSession {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
  csrfToken: string;
}

/** The browser behind the app's call: its User-Agent (listed in the user's sessions) and address (rate limits). */
export interface Visitor {
  userAgent: string | undefined;
  ip: string | undefined;
}

export interface AuthApi {
  logIn(email: unknown, password: unknown, visitor: Visitor): Promise<IssuedSession>;
  refresh(refreshToken: string, visitor: Visitor): Promise<IssuedSession>;
  logOut(credential: { refreshToken: string } | { accessToken: string }): Promise<void>;
}

function isIssued(value: unknown): value is IssuedSession {
  if (typeof value !== 'object' || value === null) return false;
  const body = value as Record<string, unknown>;
  return (
    typeof body.accessToken === 'string' &&
    typeof body.refreshToken === 'string' &&
    typeof body.csrfToken === 'string' &&
    typeof body.expiresIn === 'number' &&
    typeof body.refreshExpiresIn === 'number'
  );
}

/**
 * The auth server's HTTP API with `transport: "body"`: the same endpoints a native app uses, so rotation, the
 * grace window, reuse detection, rate limits and revocation are decided by the server alone. Every answer that
 * is not a success becomes the server's own `TesseraError`; an unreachable or garbled server is `unavailable`.
 */
export function createAuthApi(baseUrl: string, fetchImpl: AuthFetch): AuthApi {
  async function call(path: string, body: Record<string, unknown>, headers: Record<string, string>): Promise<unknown> {
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    } catch (error) {
      throw new TesseraError('unavailable', 'The auth server could not be reached; try again shortly.', { cause: error });
    }
    if (response.status === 204) return undefined;
    let parsed: unknown;
    try {
      parsed = await response.json();
    } catch (error) {
      throw new TesseraError('unavailable', 'The auth server sent an answer that is not JSON.', { cause: error });
    }
    if (response.ok) return parsed;
    const code = (parsed as { error?: unknown } | null)?.error;
    const message = (parsed as { message?: unknown } | null)?.message;
    if (typeof code !== 'string' || !Object.hasOwn(ERROR_CATALOG, code)) {
      throw new TesseraError('unavailable', `The auth server answered ${response.status}.`);
    }
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new TesseraError(code as ErrorCode, typeof message === 'string' ? message : undefined, Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfter } : undefined);
  }

  function issued(value: unknown): IssuedSession {
    if (!isIssued(value)) throw new TesseraError('unavailable', 'The auth server answered without the tokens cookie mode needs.');
    return value;
  }

  /**
   * Passed on as User-Agent and X-Forwarded-For: the app is the browser's proxy here. The auth server only
   * believes X-Forwarded-For with TESSERA_TRUST_PROXY set; without it every visitor shares the app's address.
   */
  const forward = (visitor: Visitor): Record<string, string> => ({
    ...(visitor.userAgent === undefined ? {} : { 'user-agent': visitor.userAgent }),
    ...(visitor.ip === undefined ? {} : { 'x-forwarded-for': visitor.ip }),
  });

  return {
    async logIn(email, password, visitor) {
      return issued(await call('/auth/login', { email, password, transport: 'body' }, forward(visitor)));
    },
    async refresh(refreshToken, visitor) {
      return issued(await call('/auth/refresh', { refreshToken }, forward(visitor)));
    },
    async logOut(credential) {
      if ('refreshToken' in credential) await call('/auth/logout', { refreshToken: credential.refreshToken }, {});
      else await call('/auth/logout', {}, { authorization: `Bearer ${credential.accessToken}` });
    },
  };
}
