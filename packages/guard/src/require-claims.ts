import { TesseraError } from '@tessera/core/errors';
import type { AccessTokenClaims } from '@tessera/core/token';

/**
 * The scopes a token grants: the space-separated `scope` claim (RFC 8693 / RFC 9068), or else an `scp` array.
 * A claim of any other shape grants nothing — a string `scp` would otherwise be searched character by character.
 */
export function scopesOf(claims: AccessTokenClaims): ReadonlySet<string> {
  if (typeof claims.scope === 'string') return new Set(claims.scope.split(' ').filter((scope) => scope.length > 0));
  const scp = claims.scp;
  if (Array.isArray(scp) && scp.every((scope) => typeof scope === 'string')) return new Set(scp as string[]);
  return new Set();
}

// The role check lives in the core, so the server's admin routes and every guard apply the same rule.
export { requireRoles } from '@tessera/core/token';

/** Throws 403 `insufficient_scope` unless the token grants every one of `scopes`. */
export function requireScopes(claims: AccessTokenClaims, ...scopes: string[]): void {
  const granted = scopesOf(claims);
  const missing = scopes.filter((scope) => !granted.has(scope));
  if (missing.length > 0) throw new TesseraError('insufficient_scope', `This resource needs the scope${plural(missing)} ${list(missing)}.`);
}

function plural(names: readonly string[]): string {
  return names.length === 1 ? '' : 's';
}

function list(names: readonly string[]): string {
  return names.join(', ');
}
