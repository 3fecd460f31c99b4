import type { AccessTokenClaims } from '@tessera/core/token';
import type { MiddlewareHandler } from 'hono';
import { createAuthorizer, type RequireAuthOptions } from './authorize.js';
import type { Guard } from './create-guard.js';

/** The Hono environment `requireAuth` provides: `c.get('auth')` / `c.var.auth`. */
export type GuardVariables = { auth: AccessTokenClaims };
export type GuardEnv = { Variables: GuardVariables };

declare module 'hono' {
  interface ContextVariableMap {
    /** The verified access-token claims, set by `requireAuth`. */
    auth: AccessTokenClaims;
  }
}

export type { RequireAuthOptions };

/** Hono middleware: verifies the Bearer token, sets `auth` on the context, or answers the error. */
export function requireAuth(guard: Guard, options?: RequireAuthOptions): MiddlewareHandler<GuardEnv> {
  const authorize = createAuthorizer(guard, options);
  return async (c, next) => {
    // Fetch Headers join repeated Authorization headers with ", ", which readBearer refuses as malformed.
    const outcome = await authorize(c.req.header('authorization'), { dpop: c.req.header('dpop'), method: c.req.method, url: c.req.url });
    if (!outcome.ok) return new Response(JSON.stringify(outcome.body), { status: outcome.status, headers: outcome.headers });
    c.set('auth', outcome.claims);
    await next();
    for (const [name, value] of Object.entries(outcome.headers)) c.res.headers.set(name, value);
  };
}
