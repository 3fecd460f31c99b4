import type { Auth } from '@tessera/core';
import { challengeContextFor, TesseraError, toPublicUser } from '@tessera/core';
import { authorizationOf } from '../http/credential-headers.js';
import { Hono } from 'hono';
import { errorResponse } from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';
import type { ResourceAccess } from '../http/resource-access.js';
import type { SessionTransport } from '../http/session-transport.js';
import type { ClientInfoReader } from '../app.js';
import { credentialFields, passwordFields, refreshFields, signupFields } from './auth-fields.js';

export interface AuthRoutesOptions {
  auth: Auth;
  sessions: SessionTransport;
  clientInfo: ClientInfoReader;
  access: ResourceAccess;
}

/** The auth API: each handler reads the request, calls one core operation, and writes the answer. */
export function authRoutes(options: AuthRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const { auth, sessions } = options;
  const app = new Hono<{ Variables: AuthVariables }>();
  const bearer = requireAuth(options.access);

  app.post('/signup', async (c) => {
    const body = await readJsonBody(c.req.raw, signupFields);
    const { user, tokens } = await auth.signup({ email: body.email!, password: body.password!, name: body.name }, options.clientInfo(c));
    return c.json(sessions.deliver(c, tokens, body.transport === 'body' ? 'body' : 'cookie', user), 201);
  });

  app.post('/login', async (c) => {
    const body = await readJsonBody(c.req.raw, credentialFields);
    const { user, tokens } = await auth.login({ email: body.email!, password: body.password! }, options.clientInfo(c));
    return c.json(sessions.deliver(c, tokens, body.transport === 'body' ? 'body' : 'cookie', user));
  });

  app.post('/refresh', async (c) => {
    const body = await readJsonBody(c.req.raw, refreshFields);
    try {
      const { tokens, transport } = await sessions.refresh(c, body.refreshToken);
      return c.json(sessions.deliver(c, tokens, transport));
    } catch (error) {
      // Anything else (a 429, a store that is down) goes to the app's error handler, which logs 500s and 503s.
      if (!(error instanceof TesseraError) || error.code !== 'invalid_grant') throw error;
      // The error response is built outside `c`: carry over the cookie clearing refresh() wrote.
      const response = errorResponse(error);
      for (const value of c.res.headers.getSetCookie()) response.headers.append('set-cookie', value);
      return response;
    }
  });

  app.post('/logout', async (c) => {
    const body = await readJsonBody(c.req.raw, refreshFields);
    const authorization = authorizationOf(c);
    const credential = sessions.logoutCredential(c, body.refreshToken, authorization !== undefined);
    if (credential.kind === 'refresh_token') {
      await auth.logoutWithRefreshToken(credential.token, options.clientInfo(c));
    } else if (credential.kind === 'bearer') {
      let claims;
      try {
        // A copied DPoP-bound token cannot end the session either: the same check as every protected route.
        claims = await options.access.authorize(c);
      } catch (error) {
        return errorResponse(error, { ...challengeContextFor(authorization, error), tokenSent: true });
      }
      if (claims !== null) {
        // Outside the try: a store that is down is a logged 503, not a token problem.
        await auth.logoutWithAccessToken(claims, options.clientInfo(c));
      }
    }
    sessions.clearCookies(c);
    return c.body(null, 204);
  });

  app.post('/logout-all', bearer, async (c) => {
    await auth.logoutAll(c.var.auth, options.clientInfo(c));
    sessions.clearCookies(c);
    return c.body(null, 204);
  });

  app.get('/me', bearer, async (c) => {
    const user = await auth.currentUser(c.var.auth);
    // Only while email verification is on: then the answer says whether the current email is verified, beside the
    // user (whose shape the contract fixes).
    const emailVerified = await auth.emailVerified(user);
    return c.json({ user: toPublicUser(user), ...(emailVerified === undefined ? {} : { emailVerified }) });
  });

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
