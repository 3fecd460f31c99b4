import { toPublicUser, type Auth } from '@tessera/core';
import { Hono } from 'hono';
import type { ClientInfoReader } from '../app.js';
import { readJsonBody } from '../http/json-body.js';
import { requireAuth, type AuthVariables } from '../http/require-auth.js';
import type { ResourceAccess } from '../http/resource-access.js';
import type { DevOutbox } from '../mail/mailer.js';
import { changeEmailFields, passwordResetCompleteFields, passwordResetFields, verifyEmailFields } from './auth-fields.js';

export interface AccountMailRoutesOptions {
  /** How protected routes take access tokens: Bearer, or DPoP with its proof (http/resource-access.ts). */
  access: ResourceAccess;
  auth: Auth;
  clientInfo: ClientInfoReader;
}

/** Email verification, password reset and email change; each handler reads the body and calls one core operation. */
export function accountMailRoutes(options: AccountMailRoutesOptions): Hono<{ Variables: AuthVariables }> {
  const { auth, clientInfo } = options;
  const app = new Hono<{ Variables: AuthVariables }>();
  const bearer = requireAuth(options.access);

  app.post('/verify-email', async (c) => {
    const body = await readJsonBody(c.req.raw, verifyEmailFields);
    await auth.verifyEmail(body.token!, clientInfo(c));
    return c.json({ emailVerified: true });
  });

  app.post('/verify-email/resend', bearer, async (c) => {
    await readJsonBody(c.req.raw, {});
    const { sent } = await auth.resendVerification(c.var.auth, clientInfo(c));
    return c.json({ sent });
  });

  // The same 202 and body whether or not the email has an account (see core's requestPasswordReset).
  app.post('/password-reset', async (c) => {
    const body = await readJsonBody(c.req.raw, passwordResetFields);
    await auth.requestPasswordReset(body.email!, clientInfo(c));
    return c.json({ message: 'If an account uses this email, a link to reset its password is on its way.' }, 202);
  });

  app.post('/password-reset/complete', async (c) => {
    const body = await readJsonBody(c.req.raw, passwordResetCompleteFields);
    await auth.completePasswordReset(body.token!, body.newPassword!, clientInfo(c));
    return c.body(null, 204);
  });

  app.post('/email', bearer, async (c) => {
    const body = await readJsonBody(c.req.raw, changeEmailFields);
    const user = await auth.changeEmail(c.var.auth, { newEmail: body.newEmail!, password: body.password! }, clientInfo(c));
    const emailVerified = await auth.emailVerified(user);
    return c.json({ user: toPublicUser(user), ...(emailVerified === undefined ? {} : { emailVerified }) });
  });

  return app;
}

/**
 * GET /dev/outbox: the development outbox, newest first — what SMTP would have delivered. Mounted only outside
 * production and only without SMTP; it shows tokens, which is its point, so it never exists where real users are.
 */
export function devOutboxRoutes(outbox: DevOutbox): Hono {
  const app = new Hono();
  app.get('/outbox', (c) => {
    c.header('cache-control', 'no-store');
    return c.json({ messages: outbox.list() });
  });
  return app;
}
