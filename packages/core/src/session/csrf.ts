import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The CSRF token of a session: HMAC(csrfKey, sessionId). Bound to the session (a token from another session,
 * or from another server secret, never matches) and stable for the session's whole life, so several tabs never
 * race over it. Nothing is stored: it is recomputed from the session id.
 */
export function csrfTokenFor(csrfKey: Uint8Array, sessionId: string): string {
  return createHmac('sha256', csrfKey).update('csrf\0').update(sessionId).digest('base64url');
}

/** Constant-time check of a presented `X-CSRF-Token` against the session's token. */
export function isValidCsrfToken(csrfKey: Uint8Array, sessionId: string, presented: string | null | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(csrfKey, sessionId));
  const given = Buffer.from(presented);
  return given.byteLength === expected.byteLength && timingSafeEqual(given, expected);
}
