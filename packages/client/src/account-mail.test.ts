import type { RunningServer } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { AuthError } from './auth-error.js';
import { PASSWORD, startTestServer, uniqueEmail } from '../test/helpers.js';

let server: RunningServer;
beforeAll(async () => {
  // No SMTP outside production: the mail lands in the development outbox, which this test reads like the demo does.
  server = await startTestServer();
});
afterAll(async () => server.close());

interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
}

/** The token of the newest mail to `to` with this subject (bounded wait: deliveries run in the background). */
async function tokenFromOutbox(to: string, subject: string): Promise<string> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { messages } = (await (await fetch(`${server.url}/dev/outbox`)).json()) as { messages: OutboxMessage[] };
    const mail = messages.find((m) => m.to === to && m.subject === subject);
    const token = mail ? /#token=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1] : undefined;
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`No "${subject}" mail to ${to} in the outbox.`);
}

describe('email verification and password reset through the client', () => {
  it('verifyEmail marks the signed-in user verified; a used link rejects with invalid_link', async () => {
    const client = createAuthClient({ baseUrl: server.url, mode: 'native' });
    const email = uniqueEmail();
    await client.signup({ email, password: PASSWORD });
    expect(await client.emailVerified()).toBe(false);
    expect(await client.resendVerification()).toBe(true);
    const token = await tokenFromOutbox(email, 'Confirm your email address');
    await client.verifyEmail(token);
    expect(await client.emailVerified()).toBe(true);
    const again = await client.verifyEmail(token).catch((error: unknown) => error);
    expect(again).toBeInstanceOf(AuthError);
    expect((again as AuthError).code).toBe('invalid_link');
    expect(await client.resendVerification()).toBe(false);
    client.destroy();
  });

  it('a password reset ends the session; the new password logs in', async () => {
    const client = createAuthClient({ baseUrl: server.url, mode: 'native' });
    const email = uniqueEmail();
    await client.signup({ email, password: PASSWORD });
    await client.requestPasswordReset(email);
    await client.requestPasswordReset(uniqueEmail());
    const token = await tokenFromOutbox(email, 'Reset your password');
    await client.completePasswordReset({ token, newPassword: 'a brand new passphrase' });
    // The access token was revoked with the session: refused at once, and the client is logged out.
    const gone = await client.me().catch((error: unknown) => error);
    expect((gone as AuthError).code).toBe('invalid_token');
    expect(client.getState().status).toBe('unauthenticated');
    await client.login({ email, password: 'a brand new passphrase' });
    expect((await client.me()).email).toBe(email);
    client.destroy();
  });

  it('changeEmail updates the user in the client state, unverified', async () => {
    const client = createAuthClient({ baseUrl: server.url, mode: 'native' });
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    const newEmail = uniqueEmail();
    const user = await client.changeEmail({ newEmail, password: PASSWORD });
    expect(user.email).toBe(newEmail);
    expect(await client.emailVerified()).toBe(false);
    expect(client.getState().user?.email).toBe(newEmail);
    client.destroy();
  });
});
