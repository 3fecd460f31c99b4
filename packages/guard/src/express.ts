import type { AccessTokenClaims } from '@tessera/core/token';
import type { RequestHandler } from 'express';
import { createAuthorizer, nodeAuthorization, type RequireAuthOptions } from './authorize.js';
import type { Guard } from './create-guard.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The verified access-token claims, set by `requireAuth`. */
      auth?: AccessTokenClaims;
    }
  }
}

export type { RequireAuthOptions };

/** Express middleware: verifies the Bearer token, sets `req.auth`, or answers the error as the auth server would. */
export function requireAuth(guard: Guard, options?: RequireAuthOptions): RequestHandler {
  const authorize = createAuthorizer(guard, options);
  return (req, res, next) => {
    authorize(nodeAuthorization(req), { dpop: req.headers.dpop, method: req.method, url: `${req.protocol}://${req.get('host') ?? ''}${req.originalUrl}` })
      .then((outcome) => {
        if (!outcome.ok) {
          res.status(outcome.status).set(outcome.headers).json(outcome.body);
          return;
        }
        req.auth = outcome.claims;
        res.set(outcome.headers);
        next();
      })
      .catch(next);
  };
}

// Cookie sessions for server-rendered pages (see `@tessera/guard/cookie-session`).
export { cookieSession, requireSession, logIn, logOut } from './cookie-session/express-adapter.js';
