import { TesseraError } from '@tessera/core/errors';
import { isValidCsrfToken } from '@tessera/core/session';
import type { PageRequest } from './page-request.js';

/**
 * An unsafe request's `Origin`, when the browser sends one, must be the page's own origin or an allowed one.
 * This stops another site's auto-submitting form or script even where SameSite is weakened or bypassed (an
 * old browser, a same-site but cross-origin attacker). It runs before anything is renewed or changed, and for
 * requests with no session too, so a foreign form cannot log a visitor into the attacker's account.
 */
export function checkOrigin(request: PageRequest, allowed: ReadonlySet<string>): void {
  if (request.origin === undefined) return;
  if (request.origin === request.ownOrigin || allowed.has(request.origin)) return;
  throw new TesseraError('csrf_failed', 'This form was sent from another site.');
}

/**
 * An unsafe request riding on the session cookies must carry the session's CSRF token (header `X-CSRF-Token` or
 * form field `_csrf`): core's HMAC of the session id, the same value and the same constant-time check the auth
 * server uses. A page of another site cannot read it, so its forged form cannot carry it.
 */
export function checkCsrfToken(request: PageRequest, csrfKey: Uint8Array, sessionId: string): void {
  const presented = typeof request.csrfToken === 'string' ? request.csrfToken : undefined;
  if (!isValidCsrfToken(csrfKey, sessionId, presented)) {
    throw new TesseraError('csrf_failed', 'The form is missing its CSRF token or carries another session\'s; reload the page and try again.');
  }
}
