import { TesseraError } from '@tessera/core/errors';
import { renderError } from '@tessera/core/http';
import { csrfTokenFor } from '@tessera/core/session';
import type { AccessTokenClaims } from '@tessera/core/token';
import { createAuthApi, type IssuedSession } from './auth-api.js';
import { ACCESS_COOKIE, clearCookie, PAGE_REFRESH_COOKIE, readCookie, setCookie, type CookieAttributes } from './cookies.js';
import { checkCsrfToken, checkOrigin } from './csrf-check.js';
import { resolveCookieSessionOptions, type CookieSessionOptions } from './options.js';
import { isUnsafe, type LogInOutcome, type LogOutOutcome, type PageOutcome, type PageRequest, type PageResponse, type PageSession } from './page-request.js';
import { anonymousResponse, errorResponse } from './responses.js';
import { SingleFlight } from './single-flight.js';

export interface CookieSessions {
  /**
   * For every request: reads the cookies, verifies the access token (with revocation), renews it inside the
   * request when it is expired or close to it, and for unsafe methods checks Origin and the CSRF token.
   * Never rejects: a refusal comes back as the response to send.
   */
  authenticate(request: PageRequest): Promise<PageOutcome>;
  /** Logs in through the auth server and returns the cookies to set; a refusal is the server's own error. */
  logIn(request: PageRequest, credentials: { email: unknown; password: unknown }): Promise<LogInOutcome>;
  /** Revokes the session at the auth server, then clears both cookies. `claims` are what `authenticate` found. */
  logOut(request: PageRequest, claims: AccessTokenClaims | undefined): Promise<LogOutOutcome>;
  /** What `requireSession` sends when there is no session: a redirect to the login page, or 401 JSON. */
  anonymous(request: PageRequest): PageResponse;
}

/** The session is over (not merely unreachable): the cookies are useless and are cleared. */
function endsSession(error: unknown): boolean {
  return error instanceof TesseraError && (error.code === 'invalid_grant' || error.code === 'invalid_token' || error.code === 'token_expired');
}

/**
 * Cookie sessions for server-rendered pages. The middleware only translates: rotation, the grace window, reuse
 * detection and revocation stay in the auth server (reached over its HTTP API with `transport: "body"`, or
 * in-process through its fetch handler), verification is the given verifier, and the CSRF token is core's.
 */
export function createCookieSessions(options: CookieSessionOptions): CookieSessions {
  const settings = resolveCookieSessionOptions(options);
  const api = createAuthApi(settings.authUrl, settings.fetch);
  const renewals = new SingleFlight<IssuedSession>();
  // The access token behind verified claims, so logout can name the session even right after a renewal.
  const tokens = new WeakMap<AccessTokenClaims, string>();

  const attributesFor = (request: PageRequest): CookieAttributes => ({ secure: settings.alwaysSecure || request.secure, sameSite: settings.sameSite });

  const sessionCookies = (issued: IssuedSession, attributes: CookieAttributes): string[] => [
    setCookie(ACCESS_COOKIE, issued.accessToken, issued.expiresIn, attributes),
    setCookie(PAGE_REFRESH_COOKIE, issued.refreshToken, issued.refreshExpiresIn, attributes),
  ];

  const clearedCookies = (attributes: CookieAttributes): string[] => [clearCookie(ACCESS_COOKIE, attributes), clearCookie(PAGE_REFRESH_COOKIE, attributes)];

  async function verify(token: string): Promise<AccessTokenClaims> {
    const claims = await settings.verify(token);
    tokens.set(claims, token);
    return claims;
  }

  function session(claims: AccessTokenClaims): PageSession {
    return { claims, csrfToken: csrfTokenFor(settings.csrfKey, claims.sid) };
  }

  /** Expired, or within the renewal window (at most half the token's lifetime, so short tokens don't renew on every page). */
  function needsRenewal(claims: AccessTokenClaims): boolean {
    const window = Math.min(settings.renewWithinSeconds, (claims.exp - claims.iat) / 2);
    return claims.exp - settings.now() / 1000 <= window;
  }

  async function authenticate(request: PageRequest): Promise<PageOutcome> {
    const attributes = attributesFor(request);
    const unsafe = isUnsafe(request.method);
    if (unsafe) {
      try {
        checkOrigin(request, settings.allowedOrigins);
      } catch (error) {
        return { ok: false, response: errorResponse(request, error), setCookies: [] };
      }
    }
    const access = readCookie(request.cookie, ACCESS_COOKIE, attributes.secure);
    const refresh = readCookie(request.cookie, PAGE_REFRESH_COOKIE, attributes.secure);
    const setCookies: string[] = [];
    let claims: AccessTokenClaims | undefined;
    if (access !== undefined) {
      try {
        claims = await verify(access);
      } catch (error) {
        // Keys or the revocation feed unreachable says nothing about the session: answer 503, keep the cookies.
        if (!endsSession(error)) return { ok: false, response: errorResponse(request, error), setCookies };
      }
    }
    if (refresh !== undefined && (claims === undefined || needsRenewal(claims))) {
      let issued: IssuedSession | undefined;
      try {
        issued = await renewals.run(refresh, () => api.refresh(refresh, { userAgent: request.userAgent, ip: request.ip }));
      } catch (error) {
        if (endsSession(error)) {
          // Idle past the refresh lifetime, revoked, or reused: the visitor is logged out.
          claims = undefined;
          setCookies.push(...clearedCookies(attributes));
        } else if (claims === undefined) {
          // The auth server is down or limiting: keep the cookies so the next page can renew, and say so.
          return { ok: false, response: errorResponse(request, error), setCookies };
        }
        // Otherwise the current token is still good: carry on with it and renew on a later page.
      }
      if (issued !== undefined) {
        // Set the rotated cookies whatever happens next: the old refresh token is spent.
        setCookies.push(...sessionCookies(issued, attributes));
        try {
          claims = await verify(issued.accessToken);
        } catch (error) {
          if (!endsSession(error)) return { ok: false, response: errorResponse(request, error), setCookies };
          claims = undefined;
          setCookies.splice(0, setCookies.length, ...clearedCookies(attributes));
        }
      }
    } else if (claims === undefined && access !== undefined) {
      // A dead access cookie and nothing to renew it with.
      setCookies.push(clearCookie(ACCESS_COOKIE, attributes));
    }
    if (claims === undefined) return { ok: true, session: null, setCookies };
    if (unsafe) {
      try {
        checkCsrfToken(request, settings.csrfKey, claims.sid);
      } catch (error) {
        return { ok: false, response: errorResponse(request, error), setCookies };
      }
    }
    return { ok: true, session: session(claims), setCookies };
  }

  async function logIn(request: PageRequest, credentials: { email: unknown; password: unknown }): Promise<LogInOutcome> {
    const attributes = attributesFor(request);
    try {
      const issued = await api.logIn(credentials.email, credentials.password, { userAgent: request.userAgent, ip: request.ip });
      const claims = await verify(issued.accessToken);
      return { ok: true, session: session(claims), setCookies: sessionCookies(issued, attributes) };
    } catch (error) {
      return { ok: false, error: renderError(error), setCookies: [] };
    }
  }

  async function logOut(request: PageRequest, claims: AccessTokenClaims | undefined): Promise<LogOutOutcome> {
    const attributes = attributesFor(request);
    const accessToken = claims === undefined ? undefined : tokens.get(claims);
    const refreshToken = readCookie(request.cookie, PAGE_REFRESH_COOKIE, attributes.secure);
    try {
      // The verified access token names the session even when this very request renewed the cookies.
      if (accessToken !== undefined) await api.logOut({ accessToken });
      else if (refreshToken !== undefined) await api.logOut({ refreshToken });
    } catch (error) {
      // Not revoked (auth server unreachable): keep the cookies and say so, rather than pretend the session ended.
      if (!endsSession(error)) return { ok: false, response: errorResponse(request, error), setCookies: [] };
    }
    return { ok: true, setCookies: clearedCookies(attributes) };
  }

  return { authenticate, logIn, logOut, anonymous: (request) => anonymousResponse(request, settings.loginPath) };
}
