/** The refresh cookie: HttpOnly, Path=/auth. Under `Secure` it carries the `__Secure-` prefix. */
export const REFRESH_COOKIE = 'tessera_refresh';
export const SECURE_REFRESH_COOKIE = `__Secure-${REFRESH_COOKIE}`;
/** The Path of the refresh cookie: the browser sends it to the auth endpoints only. */
export const REFRESH_COOKIE_PATH = '/auth';
/** The session's CSRF token, readable by same-site scripts (not HttpOnly, Path=/). */
export const CSRF_COOKIE = 'tessera_csrf';
/** The header a cookie-authenticated request carries the CSRF token in (HTTP header names are case-insensitive). */
export const CSRF_HEADER = 'X-CSRF-Token';
