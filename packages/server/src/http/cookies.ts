import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

import { CSRF_COOKIE, REFRESH_COOKIE, REFRESH_COOKIE_PATH } from '@tessera/wire';

// Refresh cookies go only to the auth endpoints (REFRESH_COOKIE_PATH), never to the API or the pages.
export { CSRF_COOKIE, REFRESH_COOKIE, REFRESH_COOKIE_PATH };

export interface CookiePolicy {
  /** Always Secure (NODE_ENV=production), or decided per request from its scheme. */
  alwaysSecure: boolean;
  /** Whether to believe X-Forwarded-Proto (only behind a configured proxy). */
  trustProxy: boolean;
}

export function isSecureRequest(c: Context, policy: CookiePolicy): boolean {
  if (policy.alwaysSecure) return true;
  if (policy.trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https') return true;
  return new URL(c.req.url).protocol === 'https:';
}

export function readRefreshCookie(c: Context): string | undefined {
  return getCookie(c, REFRESH_COOKIE, 'secure') ?? getCookie(c, REFRESH_COOKIE);
}

/**
 * HttpOnly (page scripts — and so XSS — cannot read it), SameSite=Strict (other sites' requests do not carry
 * it), Path=/auth, Max-Age no longer than the refresh lifetime; `__Secure-` and Secure whenever served over
 * HTTPS. The CSRF cookie is readable by same-site scripts on purpose: that is how a page learns the token.
 */
export function setSessionCookies(c: Context, policy: CookiePolicy, refreshToken: string, csrfToken: string, maxAgeSeconds: number): void {
  const secure = isSecureRequest(c, policy);
  // With `prefix: 'secure'` hono writes the name as `__Secure-tessera_refresh`.
  setCookie(c, REFRESH_COOKIE, refreshToken, {
    httpOnly: true,
    secure,
    sameSite: 'Strict',
    path: REFRESH_COOKIE_PATH,
    maxAge: maxAgeSeconds,
    ...(secure ? { prefix: 'secure' as const } : {}),
  });
  setCookie(c, CSRF_COOKIE, csrfToken, { httpOnly: false, secure, sameSite: 'Strict', path: '/', maxAge: maxAgeSeconds });
}

/** Clears with the same names and paths the cookies were set with, or the browser would keep them. */
export function clearSessionCookies(c: Context, policy: CookiePolicy): void {
  const secure = isSecureRequest(c, policy);
  deleteCookie(c, REFRESH_COOKIE, {
    path: REFRESH_COOKIE_PATH, secure, httpOnly: true, sameSite: 'Strict', ...(secure ? { prefix: 'secure' as const } : {}),
  });
  deleteCookie(c, CSRF_COOKIE, { path: '/', secure, sameSite: 'Strict' });
}
