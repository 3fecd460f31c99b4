import { TesseraError, type AdminActor, type Auth } from '@tessera/core';
import { Hono, type Context } from 'hono';
import type { ClientInfoReader } from '../app.js';
import { errorResponse } from '../http/errors.js';
import { readJsonBody } from '../http/json-body.js';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';
import type { ResourceAccess } from '../http/resource-access.js';
import { noFields, rolesFields, SEARCH_PARAMETERS } from './admin-fields.js';

export interface AdminRoutesOptions {
  auth: Auth;
  clientInfo: ClientInfoReader;
  access: ResourceAccess;
}

type AdminContext = Context<{ Variables: AuthVariables }>;

/**
 * The admin API under /admin: a Bearer token is required (401 without one), and the core refuses a token without
 * the `admin` role (403 insufficient_scope). Each handler reads the request, calls one core operation and writes
 * its answer; the rules — who may act, what is valid, what is revoked — are all in @tessera/core.
 */
export function adminRoutes(options: AdminRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const { auth, clientInfo } = options;
  const app = new Hono<{ Variables: AuthVariables }>();
  app.use('*', requireAuth(options.access));
  // Account data for one administrator's eyes: `/admin/*` gets the API's security headers (no-store, never framed,
  // no referrer) from http/security-headers.ts, like /auth and /api.
  app.use('*', async (c, next) => {
    await next();
    // RFC 6750 §3.1: a 403 for a missing role carries the challenge too, naming `insufficient_scope`.
    if (c.error instanceof TesseraError && c.error.code === 'insufficient_scope') c.res = errorResponse(c.error, { tokenSent: true });
  });
  const actor = (c: AdminContext): AdminActor => ({ kind: 'token', claims: c.var.auth });

  app.get('/users', async (c) => {
    const query = c.req.query();
    for (const name of Object.keys(query)) {
      if (!SEARCH_PARAMETERS.has(name)) throw new TesseraError('invalid_request', `Unknown query parameter "${name.slice(0, 40)}".`);
    }
    const page = await auth.admin.searchUsers(
      actor(c),
      { query: query.q, limit: whole(query.limit, 'limit'), offset: whole(query.offset, 'offset') },
      clientInfo(c),
    );
    return c.json(page);
  });

  app.post('/users/:id/disable', async (c) => {
    await readJsonBody(c.req.raw, noFields);
    return c.json(await auth.admin.disableUser(actor(c), c.req.param('id'), clientInfo(c)));
  });

  app.post('/users/:id/enable', async (c) => {
    await readJsonBody(c.req.raw, noFields);
    return c.json({ user: await auth.admin.enableUser(actor(c), c.req.param('id'), clientInfo(c)) });
  });

  app.put('/users/:id/roles', async (c) => {
    const body = await readJsonBody(c.req.raw, rolesFields);
    return c.json({ user: await auth.admin.setUserRoles(actor(c), c.req.param('id'), body.roles!, clientInfo(c)) });
  });

  app.post('/users/:id/logout', async (c) => {
    await readJsonBody(c.req.raw, noFields);
    return c.json(await auth.admin.forceLogout(actor(c), c.req.param('id'), clientInfo(c)));
  });

  return app;
}

/** A query parameter that must be a whole number; absent is undefined (the core's default), anything else a 400. */
function whole(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new TesseraError('invalid_request', `"${name}" must be a whole number.`);
  return Number(value);
}
