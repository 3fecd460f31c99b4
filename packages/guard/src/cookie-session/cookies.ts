/** The two cookies of cookie mode. Never `tessera_refresh`: that one stays on Path=/auth for the auth server. */
export const ACCESS_COOKIE = 'tessera_access';
export const PAGE_REFRESH_COOKIE = 'tessera_page_refresh';
/**
 * `__Host-` (Secure, Path=/, no Domain) whenever the cookie is Secure: a sibling subdomain or a plain-HTTP
 * attacker cannot plant or overwrite a cookie with that name (cookie tossing / session fixation).
 */
const HOST_PREFIX = '__Host-';

export type SameSite = 'Lax' | 'Strict';

export interface CookieAttributes {
  secure: boolean;
  sameSite: SameSite;
}

/** Values we write are compact JWS and `id.secret` refresh tokens: base64url and dots, nothing else. */
const VALUE = /^[A-Za-z0-9._-]+$/;
/** A cookie value longer than this is not one of ours (the server refuses refresh tokens over 256 characters). */
const MAX_VALUE_LENGTH = 4096;

export function cookieName(name: string, secure: boolean): string {
  return secure ? `${HOST_PREFIX}${name}` : name;
}

/**
 * The value of one cookie from a `Cookie` header, or undefined. On a Secure request only the `__Host-` name is
 * read, so an unprefixed cookie planted over plain HTTP is never taken for ours. The first occurrence wins
 * (browsers send the most specific path first); a value that could not be ours is ignored.
 */
export function readCookie(header: string | undefined, name: string, secure: boolean): string | undefined {
  if (header === undefined || header === '') return undefined;
  const wanted = cookieName(name, secure);
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== wanted) continue;
    const value = pair.slice(eq + 1).trim();
    return value.length <= MAX_VALUE_LENGTH && VALUE.test(value) ? value : undefined;
  }
  return undefined;
}

/**
 * `HttpOnly` (page scripts, and so XSS, cannot read either token), `Path=/` (every page renews), `SameSite`
 * (`Lax` lets top-level navigations from other sites arrive logged in, while other sites' POSTs, frames and
 * fetches carry no cookie), `Secure` with the `__Host-` prefix over HTTPS or in production.
 */
export function setCookie(name: string, value: string, maxAgeSeconds: number, attributes: CookieAttributes): string {
  const parts = [`${cookieName(name, attributes.secure)}=${value}`, `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`, 'Path=/', 'HttpOnly'];
  if (attributes.secure) parts.push('Secure');
  parts.push(`SameSite=${attributes.sameSite}`);
  return parts.join('; ');
}

/** Clears with the same name, path and attributes the cookie was set with, or the browser would keep it. */
export function clearCookie(name: string, attributes: CookieAttributes): string {
  return setCookie(name, '', 0, attributes);
}
