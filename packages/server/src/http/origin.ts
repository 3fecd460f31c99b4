import type { Context } from 'hono';

/**
 * For requests that ride on the refresh cookie: an `Origin` header, when the browser sends one, must be our own
 * origin (scheme + Host of the request), the issuer's, or one listed in TESSERA_CORS_ORIGINS. This stops a
 * page on another site from using the victim's cookie even if SameSite is weakened or bypassed.
 */
export function isAllowedOrigin(c: Context, allowed: ReadonlySet<string>): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  return origin === new URL(c.req.url).origin;
}

/** The client address: the socket's, or the N-th from the right of X-Forwarded-For behind N trusted proxies. */
export function clientIp(c: Context, trustProxy: number | null, socketAddress: string | undefined): string | null {
  if (trustProxy !== null) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '');
    const fromRight = hops[hops.length - trustProxy];
    if (fromRight !== undefined) return fromRight.slice(0, 64);
  }
  return socketAddress ?? null;
}
