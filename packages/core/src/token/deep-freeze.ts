/**
 * Freezes a parsed JSON value all the way down. Cached claims are shared between requests, so a handler that
 * pushed onto `claims.roles` would otherwise grant that role to every later request with the same token.
 */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
