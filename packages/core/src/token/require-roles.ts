import { TesseraError } from '../errors.js';
import type { AccessTokenClaims } from './types.js';

/**
 * Throws 403 `insufficient_scope` unless the token carries every one of `roles` (exact, case-sensitive names).
 * The one role check: `@tessera/guard` re-exports it for other services, and the admin operations use it.
 */
export function requireRoles(claims: AccessTokenClaims, ...roles: string[]): void {
  const missing = roles.filter((role) => !claims.roles.includes(role));
  if (missing.length > 0) {
    throw new TesseraError('insufficient_scope', `This resource needs the role${missing.length === 1 ? '' : 's'} ${missing.join(', ')}.`);
  }
}
