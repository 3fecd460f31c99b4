import type { Auth } from '@tessera/core';
import type { Passkeys } from '@tessera/core/passkeys';
import { Hono } from 'hono';
import type { ClientInfoReader } from '../app.js';
import { readJsonBody } from '../http/json-body.js';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';
import type { ResourceAccess } from '../http/resource-access.js';
import type { SessionTransport } from '../http/session-transport.js';
import {
  passkeyRegistrationFinishFields,
  passkeyRegistrationStartFields,
  passkeySignInFinishFields,
  passkeySignInStartFields,
} from './passkey-fields.js';

export interface PasskeyRoutesOptions {
  /** How protected routes take access tokens: Bearer, or DPoP with its proof (http/resource-access.ts). */
  access: ResourceAccess;
  auth: Auth;
  passkeys: Passkeys;
  sessions: SessionTransport;
  clientInfo: ClientInfoReader;
}

/** The passkey API under /auth/passkeys: each handler reads the request, calls one core operation, writes the answer. */
export function passkeyRoutes(options: PasskeyRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const { passkeys, sessions, clientInfo } = options;
  const app = new Hono<{ Variables: AuthVariables }>();
  const bearer = requireAuth(options.access);

  app.post('/register/options', bearer, async (c) => {
    await readJsonBody(c.req.raw, passkeyRegistrationStartFields);
    return c.json(await passkeys.startRegistration(c.var.auth, clientInfo(c)));
  });

  app.post('/register', bearer, async (c) => {
    const body = await readJsonBody(c.req.raw, passkeyRegistrationFinishFields);
    const passkey = await passkeys.finishRegistration(c.var.auth, { challengeId: body.challengeId!, response: body.response, name: body.name }, clientInfo(c));
    return c.json({ passkey }, 201);
  });

  app.get('/', bearer, async (c) => c.json({ passkeys: await passkeys.list(c.var.auth) }));

  app.delete('/:id', bearer, async (c) => {
    await passkeys.remove(c.var.auth, c.req.param('id'), clientInfo(c));
    return c.body(null, 204);
  });

  app.post('/login/options', async (c) => {
    const body = await readJsonBody(c.req.raw, passkeySignInStartFields);
    return c.json(await passkeys.startSignIn({ email: body.email }, clientInfo(c)));
  });

  // The same answer as a password login: a passkey sign-in is an ordinary session.
  app.post('/login', async (c) => {
    const body = await readJsonBody(c.req.raw, passkeySignInFinishFields);
    const { user, tokens } = await passkeys.finishSignIn({ challengeId: body.challengeId!, response: body.response }, clientInfo(c));
    return c.json(sessions.deliver(c, tokens, body.transport === 'body' ? 'body' : 'cookie', user));
  });

  return app;
}
