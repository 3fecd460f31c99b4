import { CSRF_COOKIE, CSRF_HEADER } from '@tessera/wire';
import type { CallOptions, TokenBody } from './auth-api.js';
import type { TokenStorage } from './types.js';

export const REFRESH_TOKEN_KEY = 'tessera.refreshToken';
export const CSRF_STORAGE_KEY = 'tessera.csrfToken';
/** Browser: localStorage (every tab, survives a restart); native: `storage`. Set while a logout is owed. */
export const PENDING_LOGOUT_KEY = 'tessera.pendingLogout';

/** What the client holds besides the access token to get the next one: a CSRF token, or a refresh token. */
export interface RefreshCredential {
  /** Extra fields for the login and signup bodies. */
  readonly loginFields: Record<string, string>;
  /** Keeps what a login, signup or refresh answer carries for the next refresh. */
  keep(body: TokenBody): Promise<void>;
  /** How to ask for a refresh, or null when there is nothing to refresh with. */
  refreshRequest(): Promise<CallOptions | null>;
  /** `authorization`: the headers that present the access token (Bearer, or DPoP with its proof), when there is one. */
  logoutRequest(authorization: Record<string, string>): Promise<CallOptions>;
  /** The CSRF token other tabs may need (browser), else null. */
  shareable(): string | null;
  /** Takes a CSRF token another tab shared. */
  adopt(csrfToken: string): void;
  forget(): Promise<void>;
  /**
   * A logout the server did not receive: keeps what sending it again needs (before `forget`), so that it can
   * be sent later — from any tab, after a reload — and no restore uses the session meanwhile.
   */
  owePendingLogout(): Promise<void>;
  /** The request for a logout still owed, or null. */
  pendingLogoutRequest(): Promise<CallOptions | null>;
  /** The owed logout reached the server (or the session was already gone). */
  settlePendingLogout(): Promise<void>;
}

/**
 * Browser: the refresh token is an httpOnly cookie the page never sees. What the page holds is the session's
 * CSRF token: in memory, in sessionStorage (survives a reload even when the API is on another site, where
 * `document.cookie` cannot see the `tessera_csrf` cookie) — and the cookie itself wins when readable, since it
 * follows a login made in another tab.
 */
export function browserCredential(): RefreshCredential {
  let csrf: string | null = null;
  const current = () => readCookie(CSRF_COOKIE) ?? csrf ?? session()?.getItem(CSRF_STORAGE_KEY) ?? null;
  const remember = (value: string) => {
    csrf = value;
    safely(() => session()?.setItem(CSRF_STORAGE_KEY, value));
  };
  return {
    loginFields: {},
    keep: async (body) => {
      if (body.csrfToken !== null) remember(body.csrfToken);
    },
    refreshRequest: async () => {
      const token = current();
      const headers: Record<string, string> = token === null ? {} : { [CSRF_HEADER]: token };
      return { method: 'POST', headers };
    },
    logoutRequest: async (authorization) => {
      const token = current();
      const headers: Record<string, string> = { ...authorization };
      if (token !== null) headers[CSRF_HEADER] = token;
      return { method: 'POST', headers };
    },
    shareable: current,
    adopt: remember,
    forget: async () => {
      csrf = null;
      safely(() => session()?.removeItem(CSRF_STORAGE_KEY));
    },
    // The refresh cookie is still in the browser (the server never cleared it); the session's CSRF token is what
    // the retry needs besides. It is kept in localStorage: useless without the httpOnly cookie it is bound to.
    owePendingLogout: async () => {
      safely(() => local()?.setItem(PENDING_LOGOUT_KEY, JSON.stringify({ csrfToken: current() })));
    },
    pendingLogoutRequest: async () => {
      const stored = safely(() => local()?.getItem(PENDING_LOGOUT_KEY));
      if (typeof stored !== 'string') return null;
      const csrfToken = safely(() => (JSON.parse(stored) as { csrfToken?: unknown }).csrfToken);
      const token = typeof csrfToken === 'string' ? csrfToken : current();
      const headers: Record<string, string> = token === null ? {} : { [CSRF_HEADER]: token };
      return { method: 'POST', headers };
    },
    settlePendingLogout: async () => {
      safely(() => local()?.removeItem(PENDING_LOGOUT_KEY));
    },
  };
}

/**
 * Native: login asks for `transport: "body"`; the refresh token lives in `storage` and is replaced by the
 * rotated one after every refresh (awaited, so a resolved refresh means the new token is stored).
 */
export function nativeCredential(storage: TokenStorage): RefreshCredential {
  return {
    loginFields: { transport: 'body' },
    keep: async (body) => {
      if (body.refreshToken !== null) await storage.set(REFRESH_TOKEN_KEY, body.refreshToken);
    },
    refreshRequest: async () => {
      const refreshToken = await storage.get(REFRESH_TOKEN_KEY);
      return refreshToken ? { method: 'POST', json: { refreshToken } } : null;
    },
    logoutRequest: async (authorization) => {
      const refreshToken = await storage.get(REFRESH_TOKEN_KEY);
      if (refreshToken) return { method: 'POST', json: { refreshToken } };
      return { method: 'POST', headers: { ...authorization } };
    },
    shareable: () => null,
    adopt: () => {},
    forget: async () => {
      await storage.remove(REFRESH_TOKEN_KEY);
    },
    owePendingLogout: async () => {
      const refreshToken = await storage.get(REFRESH_TOKEN_KEY);
      if (refreshToken) await storage.set(PENDING_LOGOUT_KEY, refreshToken);
    },
    pendingLogoutRequest: async () => {
      const refreshToken = await storage.get(PENDING_LOGOUT_KEY);
      return refreshToken ? { method: 'POST', json: { refreshToken } } : null;
    },
    settlePendingLogout: async () => {
      await storage.remove(PENDING_LOGOUT_KEY);
    },
  };
}

/** One cookie from `document.cookie`, when there is a document and the cookie is visible to it. */
export function readCookie(name: string): string | null {
  const jar = safely(() => globalThis.document?.cookie);
  if (typeof jar !== 'string' || jar === '') return null;
  for (const part of jar.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    const value = safely(() => decodeURIComponent(part.slice(index + 1).trim()));
    return value ? value : null;
  }
  return null;
}

type SimpleStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

// Reading `sessionStorage` itself throws in sandboxed frames and some privacy modes.
function session(): SimpleStorage | undefined {
  return safely(() => globalThis.sessionStorage ?? undefined);
}

function local(): SimpleStorage | undefined {
  return safely(() => globalThis.localStorage ?? undefined);
}

function safely<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
