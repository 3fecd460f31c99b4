export { createGuard, type Guard, type GuardRequest } from './create-guard.js';
export type { GuardDpopOptions, GuardOptions, GuardFetch, GuardKey, RevocationOptions } from './options.js';
export { requireRoles, requireScopes, scopesOf } from './require-claims.js';
export { createAuthorizer, nodeAuthorization, type AuthOutcome, type RequireAuthOptions } from './authorize.js';
export type { AuthorizationHeader } from '@tessera/core/http';
export type { AccessTokenClaims, SigningAlg } from '@tessera/core/token';
