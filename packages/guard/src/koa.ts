import type { AccessTokenClaims } from '@tessera/core/token';
import type { Middleware } from 'koa';
import { createAuthorizer, nodeAuthorization, type RequireAuthOptions } from './authorize.js';
import type { Guard } from './create-guard.js';

declare module 'koa' {
  interface DefaultState {
    /** The verified access-token claims, set by `requireAuth`. */
    auth?: AccessTokenClaims;
  }
  interface DefaultContext {
    /** The verified access-token claims, set by `requireAuth` (also on `ctx.state.auth`). */
    auth?: AccessTokenClaims;
  }
}

export type { RequireAuthOptions };

/** Koa middleware: verifies the Bearer token, sets `ctx.state.auth` and `ctx.auth`, or answers the error. */
export function requireAuth(guard: Guard, options?: RequireAuthOptions): Middleware {
  const authorize = createAuthorizer(guard, options);
  return async (ctx, next) => {
    const outcome = await authorize(nodeAuthorization(ctx.req), { dpop: ctx.req.headers.dpop, method: ctx.method, url: ctx.href });
    if (!outcome.ok) {
      ctx.status = outcome.status;
      ctx.set(outcome.headers);
      ctx.body = outcome.body;
      return;
    }
    ctx.state.auth = outcome.claims;
    ctx.auth = outcome.claims;
    ctx.set(outcome.headers);
    await next();
  };
}

// Cookie sessions for server-rendered pages (see `@tessera/guard/cookie-session`).
export { cookieSession, requireSession, logIn, logOut } from './cookie-session/koa-adapter.js';
