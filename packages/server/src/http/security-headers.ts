/**
 * The response headers every Tessera response carries, decided by path alone so a host can apply them
 * without touching the Web `Response` (setting headers on it after the fact is the dearest step of a request).
 * - `nosniff` everywhere: a JSON error is never sniffed into HTML and executed.
 * - On `/auth/*`, `/api/*` and `/graphql`: `no-store` (tokens must never sit in a shared or browser cache), `frame-ancestors
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
  const api = path.startsWith('/auth/') || path.startsWith('/api/') || path === '/graphql';
  if (secure) return api ? SECURE_API : SECURE_EVERYWHERE;
  return api ? API : EVERYWHERE;
}
