import type { Auth } from '@tessera/core';
import { Hono } from 'hono';
import type { ClientInfoReader } from '../app.js';
import { readJsonBody } from '../http/json-body.js';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';
import type { ResourceAccess } from '../http/resource-access.js';
import type { SessionTransport } from '../http/session-transport.js';
import { twoFactorCodeFields, twoFactorStepUpFields, twoFactorVerifyFields } from './two-factor-fields.js';

export interface TwoFactorRoutesOptions {
  /** How protected routes take access tokens: Bearer, or DPoP with its proof (http/resource-access.ts). */
  access: ResourceAccess;
  auth: Auth;
  sessions: SessionTransport;
  clientInfo: ClientInfoReader;
}

/**
 * `/auth/two-factor`: enrol, confirm, disable and see the TOTP second factor and renew its recovery codes (Bearer),
 * and `verify`, the second step of a login that answered `two_factor_required`. Its tokens go out through the same
 * session transport as login's, so cookie and body transports behave exactly alike.
 */
export function twoFactorRoutes(options: TwoFactorRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const { auth, sessions } = options;
  const app = new Hono<{ Variables: AuthVariables }>();
  const bearer = requireAuth(options.access);

  app.get('/', bearer, async (c) => c.json(await auth.twoFactor.status(c.var.auth)));

  app.post('/enroll', bearer, async (c) => {
    await readJsonBody(c.req.raw, {});
    return c.json(await auth.twoFactor.enroll(c.var.auth, options.clientInfo(c)));
  });

  app.post('/confirm', bearer, async (c) => {
    const body = await readJsonBody(c.req.raw, twoFactorCodeFields);
    return c.json(await auth.twoFactor.confirm(c.var.auth, body.code!, options.clientInfo(c)));
  });

  app.post('/disable', bearer, async (c) => {
    const body = await readJsonBody(c.req.raw, twoFactorStepUpFields);
    await auth.twoFactor.disable(c.var.auth, body, options.clientInfo(c));
    return c.body(null, 204);
  });

  app.post('/recovery-codes', bearer, async (c) => {
    const body = await readJsonBody(c.req.raw, twoFactorStepUpFields);
    return c.json(await auth.twoFactor.regenerateRecoveryCodes(c.var.auth, body, options.clientInfo(c)));
  });

  app.post('/verify', async (c) => {
    const body = await readJsonBody(c.req.raw, twoFactorVerifyFields);
    const { user, tokens } = await auth.twoFactor.verifyLogin(
      { challenge: body.challenge!, code: body.code, recoveryCode: body.recoveryCode },
      options.clientInfo(c),
    );
    return c.json(sessions.deliver(c, tokens, body.transport === 'body' ? 'body' : 'cookie', user));
  });

  return app;
}
