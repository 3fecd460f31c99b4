/**
 * The response headers every Tessera response carries, decided by path alone so a host can apply them
 * without touching the Web `Response` (setting headers on it after the fact is the dearest step of a request).
 * - `nosniff` everywhere: a JSON error is never sniffed into HTML and executed.
 * - On `/auth/*`, `/api/*`, `/admin/*` and `/graphql`: `no-store` (tokens must never sit in a shared or browser cache), `frame-ancestors
 *   'none'` (the API is never framed: clickjacking) and `no-referrer`.
 * - HSTS when the request came over HTTPS.
 */
const EVERYWHERE: readonly (readonly [string, string])[] = [['x-content-type-options', 'nosniff']];
const API: readonly (readonly [string, string])[] = [
  ...EVERYWHERE,
  ['cache-control', 'no-store'],
  ['content-security-policy', "frame-ancestors 'none'"],
  ['referrer-policy', 'no-referrer'],
];
const HSTS = ['strict-transport-security', 'max-age=31536000; includeSubDomains'] as const;
const SECURE_EVERYWHERE = [...EVERYWHERE, HSTS];
const SECURE_API = [...API, HSTS];

export function securityHeaders(path: string, secure: boolean): readonly (readonly [string, string])[] {
  const api = path.startsWith('/auth/') || path.startsWith('/api/') || path.startsWith('/admin/') || path === '/graphql';
  if (secure) return api ? SECURE_API : SECURE_EVERYWHERE;
  return api ? API : EVERYWHERE;
}

/**
 * The demo pages' Content-Security-Policy: they load only their own scripts, talk only to this origin (and to
 * `numberUrl`'s, the service TESSERA_DEMO_NUMBER_URL points their Get number page at) and nothing may frame them.
 */
export function pagesContentSecurityPolicy(settings: { numberUrl: string | null }): string {
  const connect = settings.numberUrl === null ? '' : `; connect-src 'self' ${new URL(settings.numberUrl).origin}`;
  return `default-src 'self'${connect}; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`;
}
