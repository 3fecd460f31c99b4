import type { AccessTokenClaims } from '@tessera/core';
import { challengeContextFor, TesseraError } from '@tessera/core';
import type { Context, MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';
import { authorizationOf } from './credential-headers.js';
import type { ResourceAccess } from './resource-access.js';

export type AuthVariables = { auth: AccessTokenClaims };

/**
 * Verifies the access token (Bearer, or DPoP with its proof) and puts its claims on `c.var.auth`. Every failure
 * answers 401 (or 400 for a malformed header) with the RFC 6750 or RFC 9449 challenge; the route behind never
 * runs. A 401 the route itself throws gets the challenge too.
 */
export function requireAuth(access: ResourceAccess): MiddlewareHandler<{ Variables: AuthVariables }> {
  // Not async: returning next()'s promise saves an await per request on the bearer hot path.
  return (c, next) => {
    let result: AccessTokenClaims | null | Promise<AccessTokenClaims>;
    try {
      result = access.authorize(c);
      if (result === null) throw new TesseraError('invalid_token', 'This endpoint needs an access token in the Authorization header.');
    } catch (error) {
      return Promise.resolve(refusal(c, error));
    }
    if (result instanceof Promise) {
      return result.then(
        (claims) => {
          c.set('auth', claims);
          return next().then(() => challengeLateRefusal(c));
        },
        (error: unknown) => refusal(c, error),
      );
    }
    c.set('auth', result);
    return next().then(() => challengeLateRefusal(c));
  };
}

function refusal(c: Context, error: unknown): Response {
  return errorResponse(error, challengeContextFor(authorizationOf(c), error));
}

/**
 * The route behind may still refuse the token after it verified, e.g. `/auth/me` for an account deleted since the
 * token was issued (a 401 invalid_token thrown by the core). The app's error handler renders that without knowing
 * the route is Bearer-protected; RFC 6750 §3 wants the challenge on every 401 of a Bearer route, so a client
 * (and a proxy) learns it must get a new token rather than retry. Only a thrown 401 is re-rendered, with the
 * same renderer; a token was sent, or the route would not have run.
 */
function challengeLateRefusal(c: Context): void {
  const error = c.error;
  if (error instanceof TesseraError && error.status === 401) c.res = errorResponse(error, { ...challengeContextFor(authorizationOf(c), error), tokenSent: true });
}
