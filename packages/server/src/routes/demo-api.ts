import { randomFillSync } from 'node:crypto';
import { toPublicUser, type Auth } from '@tessera/core';
import { Hono } from 'hono';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';
import type { ResourceAccess } from '../http/resource-access.js';

/** The demo's protected resources: what a user's own API behind Tessera looks like. */
export function demoApiRoutes(auth: Auth, access: ResourceAccess): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', requireAuth(access));
  app.get('/user', async (c) => {
    const { id, email, name } = toPublicUser(await auth.currentUser(c.var.auth));
    return c.json({ id, email, name });
  });
  app.get('/number', (c) => c.json({ number: oneToTen() }));
  return app;
}

// crypto.randomInt costs more than the rest of this route's handler; a refilled pool of CSPRNG bytes does not.
const pool = Buffer.alloc(4096);
let next = pool.length;

/** A uniform number from 1 to 10 (bytes ≥ 250 are skipped so every number is equally likely). */
function oneToTen(): number {
  for (;;) {
    if (next === pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    const byte = pool[next++] as number;
    if (byte < 250) return (byte % 10) + 1;
  }
}
