import type { AccessTokenClaims } from '@tessera/core/token';
import type { Context, Middleware } from 'koa';
import type { CookieSessions } from './create-cookie-sessions.js';
import type { LogInOutcome, PageRequest, PageResponse } from './page-request.js';

declare module 'koa' {
  interface DefaultState {
    /** The session's CSRF token, set by `cookieSession`: put it in every form as `_csrf`. */
    csrfToken?: string;
  }
}

function formField(ctx: Context): unknown {
  const body = (ctx.request as { body?: unknown }).body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)._csrf : undefined;
}

function pageRequest(ctx: Context): PageRequest {
  const header = (name: string): string | undefined => ctx.get(name) || undefined;
  return {
    method: ctx.method,
    // Not `ctx.origin`: since Koa 3 that is the Origin header itself, which would let every origin pass.
    ownOrigin: `${ctx.protocol}://${ctx.host}`,
    path: ctx.originalUrl,
    secure: ctx.secure,
    cookie: header('cookie'),
    origin: header('origin'),
    accept: header('accept'),
    userAgent: header('user-agent'),
    ip: ctx.ip || undefined,
    csrfToken: header('x-csrf-token') ?? formField(ctx),
  };
}

function appendCookies(ctx: Context, cookies: readonly string[]): void {
  for (const cookie of cookies) ctx.append('Set-Cookie', cookie);
}

function send(ctx: Context, response: PageResponse): void {
  ctx.body = response.body;
  ctx.status = response.status;
  ctx.set(response.headers);
}

function signIn(ctx: Context, claims: AccessTokenClaims | undefined, csrfToken: string | undefined): void {
  ctx.state.auth = claims;
  ctx.auth = claims;
  ctx.state.csrfToken = csrfToken;
}

/** Reads, verifies and renews the session cookies; sets `ctx.state.auth` and `ctx.state.csrfToken` (or leaves them unset). */
export function cookieSession(sessions: CookieSessions): Middleware {
  return async (ctx, next) => {
    const outcome = await sessions.authenticate(pageRequest(ctx));
    appendCookies(ctx, outcome.setCookies);
    if (!outcome.ok) return send(ctx, outcome.response);
    signIn(ctx, outcome.session?.claims, outcome.session?.csrfToken);
    await next();
  };
}

/** After `cookieSession`: without a session, browsers are redirected to the login page and scripts get 401. */
export function requireSession(sessions: CookieSessions): Middleware {
  return async (ctx, next) => {
    if (ctx.state.auth === undefined) return send(ctx, sessions.anonymous(pageRequest(ctx)));
    await next();
  };
}

/** Logs in with the auth server and sets the cookies; on refusal, `outcome.error` is the server's error. */
export async function logIn(ctx: Context, sessions: CookieSessions, credentials: { email: unknown; password: unknown }): Promise<LogInOutcome> {
  const outcome = await sessions.logIn(pageRequest(ctx), credentials);
  appendCookies(ctx, outcome.setCookies);
  if (outcome.ok) signIn(ctx, outcome.session.claims, outcome.session.csrfToken);
  return outcome;
}

/** Revokes the session and clears the cookies; resolves false (with the error already answered) when it could not. */
export async function logOut(ctx: Context, sessions: CookieSessions): Promise<boolean> {
  const outcome = await sessions.logOut(pageRequest(ctx), ctx.state.auth);
  appendCookies(ctx, outcome.setCookies);
  if (!outcome.ok) {
    send(ctx, outcome.response);
    return false;
  }
  signIn(ctx, undefined, undefined);
  return true;
}
