import type { AccessTokenClaims } from '@tessera/core';
import { presentsBearer, TesseraError } from '@tessera/core';
import type { MiddlewareHandler } from 'hono';
import { readBearer } from './bearer.js';
import { errorResponse } from './errors.js';
import { requestAuthorization } from './request-headers.js';

export type AuthVariables = { auth: AccessTokenClaims };

/**
 * Verifies the Bearer token and puts its claims on `c.var.auth`. Every failure answers 401 (or 400 for a
 * malformed header) with the RFC 6750 challenge; the route behind never runs.
 */
export function requireAuth(verify: (token: string) => AccessTokenClaims): MiddlewareHandler<{ Variables: AuthVariables }> {
  // Not async: returning next()'s promise saves an await per request on the hot path.
  return (c, next) => {
    const authorization = requestAuthorization(c);
    try {
      const bearer = readBearer(authorization);
      if (bearer.kind === 'none') throw new TesseraError('invalid_token', 'This endpoint needs an access token in the Authorization header.');
      c.set('auth', verify(bearer.token));
    } catch (error) {
      return Promise.resolve(errorResponse(error, { tokenSent: presentsBearer(authorization) }));
    }
    return next();
  };
}
