import { CSRF_HEADER } from '@tessera/wire';
import { TesseraError, toPublicUser, type Auth, type IssuedTokens, type PublicUser, type UserRecord } from '@tessera/core';
import type { Context } from 'hono';
import type { ClientInfoReader } from '../app.js';
import { clearSessionCookies, readRefreshCookie, setSessionCookies, type CookiePolicy } from './cookies.js';
import { isAllowedOrigin } from './origin.js';

/** Where the refresh token travels: the httpOnly cookie (browsers) or the response body (native apps). */
export type Transport = 'cookie' | 'body';

/** The token answer of signup, login and refresh, the same over REST and GraphQL. */
export interface TokenBody {
  user?: PublicUser;
  accessToken: string;
  tokenType: 'Bearer' | 'DPoP';
  expiresIn: number;
  csrfToken: string;
  /** Only for transport `body`; with the cookie transport the token never appears in a body. */
  refreshToken?: string;
  /**
   * Only for transport `body`: seconds until the refresh token expires unused, so a server-side caller that keeps
   * it in a cookie of its own (cookie sessions) can give that cookie the right Max-Age.
   */
  refreshExpiresIn?: number;
}

/** Which credential a logout relies on, already checked for CSRF when it is the cookie. */
export type LogoutCredential = { kind: 'refresh_token'; token: string } | { kind: 'bearer' } | { kind: 'none' };

export interface SessionTransportOptions {
  auth: Auth;
  cookies: CookiePolicy;
  allowedOrigins: ReadonlySet<string>;
  clientInfo: ClientInfoReader;
}

export type SessionTransport = ReturnType<typeof createSessionTransport>;

/**
 * How a session's refresh token travels between the server and a client: the one implementation of the cookie
 * and body transports and of the CSRF rule for cookie-borne requests, used by the REST routes and by GraphQL.
 */
export function createSessionTransport(options: SessionTransportOptions) {
  const { auth, cookies } = options;

  /**
   * A request that rides on the refresh cookie must come from an allowed origin and carry the session's CSRF
   * token: a page on another site can make the browser send the cookie, but can neither read the token nor
   * forge its own Origin.
   */
  function checkCookieRequest(c: Context, refreshToken: string): void {
    if (!isAllowedOrigin(c, options.allowedOrigins)) {
      throw new TesseraError('csrf_failed', 'Requests from this origin may not use the session cookie.');
    }
    auth.checkRefreshCsrf(refreshToken, c.req.header(CSRF_HEADER));
  }

  return {
    /** The token answer; with the cookie transport the refresh token goes into the cookie (set on `c`) instead. */
    deliver(c: Context, tokens: IssuedTokens, transport: Transport, user?: UserRecord): TokenBody {
      const body: TokenBody = {
        ...(user ? { user: toPublicUser(user) } : {}),
        accessToken: tokens.accessToken,
        tokenType: tokens.tokenType,
        expiresIn: tokens.expiresIn,
        csrfToken: tokens.csrfToken,
      };
      if (transport === 'body') Object.assign(body, { refreshToken: tokens.refreshToken, refreshExpiresIn: tokens.refreshExpiresIn });
      else setSessionCookies(c, cookies, tokens.refreshToken, tokens.csrfToken, tokens.refreshExpiresIn);
      return body;
    },

    /**
     * Rotates the refresh token that came in the body or, failing that, in the cookie (after the CSRF check). A
     * dead refresh cookie is useless to the browser: it is cleared on `c` before the error goes on, so the client
     * stops sending it.
     */
    async refresh(c: Context, bodyToken: string | undefined): Promise<{ tokens: IssuedTokens; transport: Transport }> {
      if (bodyToken !== undefined) return { tokens: await auth.refresh(bodyToken, options.clientInfo(c)), transport: 'body' };
      const cookie = readRefreshCookie(c);
      if (cookie === undefined) throw new TesseraError('invalid_grant', 'No refresh token was sent; log in again.');
      checkCookieRequest(c, cookie);
      try {
        return { tokens: await auth.refresh(cookie, options.clientInfo(c)), transport: 'cookie' };
      } catch (error) {
        if (error instanceof TesseraError && error.code === 'invalid_grant') clearSessionCookies(c, cookies);
        throw error;
      }
    },

    /**
     * What a logout ends: the refresh token in the body; else the cookie when the request sent a CSRF token or
     * no Authorization header (checked here); else the Bearer token's session; else nothing (a no-op).
     */
    logoutCredential(c: Context, bodyToken: string | undefined, hasAuthorization: boolean): LogoutCredential {
      if (bodyToken !== undefined) return { kind: 'refresh_token', token: bodyToken };
      const cookie = readRefreshCookie(c);
      if (cookie !== undefined && (c.req.header(CSRF_HEADER) !== undefined || !hasAuthorization)) {
        checkCookieRequest(c, cookie);
        return { kind: 'refresh_token', token: cookie };
      }
      return hasAuthorization ? { kind: 'bearer' } : { kind: 'none' };
    },

    /** Clears the session cookies on `c` (after a logout), with the names and paths they were set with. */
    clearCookies(c: Context): void {
      clearSessionCookies(c, cookies);
    },
  };
}
