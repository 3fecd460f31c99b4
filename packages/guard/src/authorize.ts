import { challengeContextFor, renderError, type AuthorizationHeader, type ErrorParts } from '@tessera/core/http';
import type { AccessTokenClaims } from '@tessera/core/token';

// Shared with the server's Node entry, which refuses duplicate Authorization headers the same way.
export { nodeAuthorization } from '@tessera/core/http';
import type { Guard, GuardRequest } from './create-guard.js';
import { requireRoles, requireScopes } from './require-claims.js';

/** What `requireAuth` checks beyond a valid token; every listed role and every listed scope is required. */
export interface RequireAuthOptions {
  roles?: readonly string[];
  scopes?: readonly string[];
}

/**
 * The framework-free result every adapter translates: the claims and the headers to add to the route's answer
 * (`DPoP-Nonce`), or the status, headers and JSON body to send.
 */
export type AuthOutcome = { ok: true; claims: AccessTokenClaims; headers: Record<string, string> } | ({ ok: false } & ErrorParts);

function names(value: unknown, option: 'roles' | 'scopes'): readonly string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((name) => typeof name === 'string' && name.length > 0)) {
    throw new TypeError(`requireAuth: "${option}" must be a list of non-empty strings.`);
  }
  return [...(value as string[])];
}

/**
 * The whole of `requireAuth`, minus the framework: validates its options once, then for each request reads the
 * Authorization header, verifies the token, checks roles and scopes, and on failure renders the error with
 * core's `renderError` — the same status, JSON body and RFC 6750 challenge the auth server sends. Never rejects.
 */
export function createAuthorizer(guard: Guard, options: RequireAuthOptions = {}): (authorization: AuthorizationHeader, request?: GuardRequest) => Promise<AuthOutcome> {
  if (typeof guard !== 'object' || guard === null || typeof guard.authenticate !== 'function') {
    throw new TypeError('requireAuth: the first argument must be a guard from createGuard().');
  }
  const roles = names(options.roles, 'roles');
  const scopes = names(options.scopes, 'scopes');
  // RFC 9449 §8: with `dpop.nonces`, every answer to a DPoP client carries the current nonce, refusals included,
  // so a proof refused with use_dpop_nonce is signed again at once.
  const nonceHeaders = (request: GuardRequest | undefined): Record<string, string> => {
    if (request === undefined || request.dpop === undefined || request.dpop === null || request.dpop === '') return {};
    const nonce = guard.currentDpopNonce();
    return nonce === undefined ? {} : { 'dpop-nonce': nonce };
  };
  return async (authorization, request) => {
    try {
      const claims = await guard.authenticate(authorization, request);
      if (roles.length > 0) requireRoles(claims, ...roles);
      if (scopes.length > 0) requireScopes(claims, ...scopes);
      return { ok: true, claims, headers: nonceHeaders(request) };
    } catch (error) {
      const parts = renderError(error, challengeContextFor(authorization, error));
      return { ok: false, ...parts, headers: { ...parts.headers, ...nonceHeaders(request) } };
    }
  };
}
