import { randomInt } from 'node:crypto';
import { toPublicUser, type Auth } from '@tessera/core';
import { Hono } from 'hono';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';

/** The demo's protected resources: what a user's own API behind Tessera looks like. */
export function demoApiRoutes(auth: Auth): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', requireAuth(auth.verifyAccessToken));
  app.get('/user', async (c) => {
    const { id, email, name } = toPublicUser(await auth.currentUser(c.var.auth));
    return c.json({ id, email, name });
  });
  app.get('/number', (c) => c.json({ number: randomInt(1, 11) }));
  return app;
}
