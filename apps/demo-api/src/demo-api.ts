import { toPublicUser, type Auth } from '@tessera/core';
import { requireAuth, type AuthVariables, type ResourceAccess } from '@tessera/server';
import { Hono } from 'hono';
import { oneToTen } from './one-to-ten.js';

/** The demo's protected resources, to mount under `/api`: what a user's own API behind Tessera looks like. */
export function demoApi(auth: Auth, access: ResourceAccess): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', requireAuth(access));
  app.get('/user', async (c) => {
    const { id, email, name } = toPublicUser(await auth.currentUser(c.var.auth));
    return c.json({ id, email, name });
  });
  app.get('/number', (c) => c.json({ number: oneToTen() }));
  return app;
}
