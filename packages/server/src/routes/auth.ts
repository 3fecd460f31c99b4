import { TesseraError, toPublicUser, type Auth, type IssuedTokens, type UserRecord } from '@tessera/core';
import { Hono, type Context } from 'hono';
import { readBearer } from '../http/bearer.js';
import { clearSessionCookies, readRefreshCookie, setSessionCookies, type CookiePolicy } from '../http/cookies.js';
import { errorResponse } from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import { isAllowedOrigin } from '../http/origin.js';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';
import type { ClientInfoReader } from '../app.js';

export interface AuthRoutesOptions {
  auth: Auth;
  cookies: CookiePolicy;
  allowedOrigins: ReadonlySet<string>;
  clientInfo: ClientInfoReader;
}

const credentials = {
  email: { type: 'string', required: true, maxLength: 320 },
  password: { type: 'string', required: true, maxLength: 1024 },
  transport: { type: 'string', oneOf: ['cookie', 'body'] },
} as const;
const signupFields = { ...credentials, name: { type: 'string', maxLength: 400 } } as const;
const refreshFields = { refreshToken: { type: 'string', maxLength: 256 } } as const;
const passwordFields = {
  currentPassword: { type: 'string', required: true, maxLength: 1024 },
  newPassword: { type: 'string', required: true, maxLength: 1024 },
} as const;

/** The auth API: each handler reads the request, calls one core operation, and writes the answer. */
export function authRoutes(options: AuthRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const { auth, cookies } = options;
  const app = new Hono<{ Variables: AuthVariables }>();
  const bearer = requireAuth(auth.verifyAccessToken);

  function tokenResponse(c: Context, tokens: IssuedTokens, transport: 'cookie' | 'body', extra: { user?: UserRecord; status?: 200 | 201 } = {}) {
    const body: Record<string, unknown> = extra.user ? { user: toPublicUser(extra.user) } : {};
    Object.assign(body, { accessToken: tokens.accessToken, tokenType: 'Bearer', expiresIn: tokens.expiresIn, csrfToken: tokens.csrfToken });
    // A server-side caller that keeps the refresh token in its own cookie needs its lifetime for that cookie's Max-Age.
    if (transport === 'body') Object.assign(body, { refreshToken: tokens.refreshToken, refreshExpiresIn: tokens.refreshExpiresIn });
    else setSessionCookies(c, cookies, tokens.refreshToken, tokens.csrfToken, tokens.refreshExpiresIn);
    return c.json(body, extra.status ?? 200);
  }

  /** Cookie-borne requests must come from an allowed origin and carry the session's CSRF token. */
  function checkCookieRequest(c: Context, refreshToken: string): void {
    if (!isAllowedOrigin(c, options.allowedOrigins)) {
      throw new TesseraError('csrf_failed', 'Requests from this origin may not use the session cookie.');
    }
    auth.checkRefreshCsrf(refreshToken, c.req.header('x-csrf-token'));
  }

  app.post('/signup', async (c) => {
    const body = await readJsonBody(c.req.raw, signupFields);
    const { user, tokens } = await auth.signup({ email: body.email!, password: body.password!, name: body.name }, options.clientInfo(c));
    return tokenResponse(c, tokens, body.transport === 'body' ? 'body' : 'cookie', { user, status: 201 });
  });

  app.post('/login', async (c) => {
    const body = await readJsonBody(c.req.raw, credentials);
    const { user, tokens } = await auth.login({ email: body.email!, password: body.password! }, options.clientInfo(c));
    return tokenResponse(c, tokens, body.transport === 'body' ? 'body' : 'cookie', { user });
  });

  app.post('/refresh', async (c) => {
    const body = await readJsonBody(c.req.raw, refreshFields);
    if (body.refreshToken !== undefined) return tokenResponse(c, await auth.refresh(body.refreshToken, options.clientInfo(c)), 'body');
    const cookie = readRefreshCookie(c);
    if (cookie === undefined) throw new TesseraError('invalid_grant', 'No refresh token was sent; log in again.');
    checkCookieRequest(c, cookie);
    try {
      return tokenResponse(c, await auth.refresh(cookie, options.clientInfo(c)), 'cookie');
    } catch (error) {
      // Anything else (a 429, a store that is down) goes to the app's error handler, which logs 500s and 503s.
      if (!(error instanceof TesseraError) || error.code !== 'invalid_grant') throw error;
      // A dead refresh cookie is useless to the browser: drop it so the client stops sending it.
      const response = errorResponse(error);
      clearSessionCookies(c, cookies);
      for (const value of c.res.headers.getSetCookie()) response.headers.append('set-cookie', value);
      return response;
    }
  });

  app.post('/logout', async (c) => {
    const body = await readJsonBody(c.req.raw, refreshFields);
    const cookie = readRefreshCookie(c);
    const authorization = c.req.header('authorization');
    if (body.refreshToken !== undefined) {
      await auth.logoutWithRefreshToken(body.refreshToken, options.clientInfo(c));
    } else if (cookie !== undefined && (c.req.header('x-csrf-token') !== undefined || authorization === undefined)) {
      checkCookieRequest(c, cookie);
      await auth.logoutWithRefreshToken(cookie, options.clientInfo(c));
    } else if (authorization !== undefined) {
      const token = readBearer(authorization);
      if (token.kind === 'token') {
        let claims;
        try {
          claims = auth.verifyAccessToken(token.token);
        } catch (error) {
          return errorResponse(error, { tokenSent: true });
        }
        // Outside the try: a store that is down is a logged 503, not a token problem.
        await auth.logoutWithAccessToken(claims, options.clientInfo(c));
      }
    }
    clearSessionCookies(c, cookies);
    return c.body(null, 204);
  });

  app.post('/logout-all', bearer, async (c) => {
    await auth.logoutAll(c.var.auth, options.clientInfo(c));
    clearSessionCookies(c, cookies);
    return c.body(null, 204);
  });

  app.get('/me', bearer, async (c) => c.json({ user: toPublicUser(await auth.currentUser(c.var.auth)) }));

  app.get('/sessions', bearer, async (c) => c.json({ sessions: await auth.listSessions(c.var.auth) }));

  app.delete('/sessions/:id', bearer, async (c) => {
    await auth.deleteSession(c.var.auth, c.req.param('id'), options.clientInfo(c));
    return c.body(null, 204);
  });

  app.post('/password', bearer, async (c) => {
    const body = await readJsonBody(c.req.raw, passwordFields);
    await auth.changePassword(c.var.auth, body.currentPassword!, body.newPassword!, options.clientInfo(c));
    return c.body(null, 204);
  });

  return app;
}
