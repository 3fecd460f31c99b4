import type { AccessTokenClaims } from '@tessera/core/token';
import type { Request, RequestHandler, Response } from 'express';
import type { CookieSessions } from './create-cookie-sessions.js';
import type { LogInOutcome, PageRequest, PageResponse } from './page-request.js';

function formField(req: Request): unknown {
  const body: unknown = req.body;
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)._csrf : undefined;
}

function pageRequest(req: Request): PageRequest {
  return {
    method: req.method,
    ownOrigin: `${req.protocol}://${req.get('host') ?? ''}`,
    path: req.originalUrl,
    secure: req.secure,
    cookie: req.get('cookie'),
    origin: req.get('origin'),
    accept: req.get('accept'),
    userAgent: req.get('user-agent'),
    ip: req.ip,
    csrfToken: req.get('x-csrf-token') ?? formField(req),
  };
}

function appendCookies(res: Response, cookies: readonly string[]): void {
  for (const cookie of cookies) res.append('Set-Cookie', cookie);
}

function send(res: Response, response: PageResponse): void {
  res.status(response.status).set(response.headers).send(response.body);
}

function signIn(req: Request, res: Response, claims: AccessTokenClaims | undefined, csrfToken: string | undefined): void {
  req.auth = claims;
  res.locals.auth = claims;
  res.locals.csrfToken = csrfToken;
}

/** Reads, verifies and renews the session cookies; sets `req.auth`, `res.locals.auth` and `res.locals.csrfToken`. */
export function cookieSession(sessions: CookieSessions): RequestHandler {
  return (req, res, next) => {
    sessions
      .authenticate(pageRequest(req))
      .then((outcome) => {
        appendCookies(res, outcome.setCookies);
        if (!outcome.ok) return send(res, outcome.response);
        signIn(req, res, outcome.session?.claims, outcome.session?.csrfToken);
        next();
      })
      .catch(next);
  };
}

/** After `cookieSession`: without a session, browsers are redirected to the login page and scripts get 401. */
export function requireSession(sessions: CookieSessions): RequestHandler {
  return (req, res, next) => {
    if (req.auth === undefined) return send(res, sessions.anonymous(pageRequest(req)));
    next();
  };
}

/** Logs in with the auth server and sets the cookies; on refusal, `outcome.error` is the server's error. */
export async function logIn(req: Request, res: Response, sessions: CookieSessions, credentials: { email: unknown; password: unknown }): Promise<LogInOutcome> {
  const outcome = await sessions.logIn(pageRequest(req), credentials);
  appendCookies(res, outcome.setCookies);
  if (outcome.ok) signIn(req, res, outcome.session.claims, outcome.session.csrfToken);
  return outcome;
}

/** Revokes the session and clears the cookies; resolves false (with the error already answered) when it could not. */
export async function logOut(req: Request, res: Response, sessions: CookieSessions): Promise<boolean> {
  const outcome = await sessions.logOut(pageRequest(req), req.auth);
  appendCookies(res, outcome.setCookies);
  if (!outcome.ok) {
    send(res, outcome.response);
    return false;
  }
  signIn(req, res, undefined, undefined);
  return true;
}
