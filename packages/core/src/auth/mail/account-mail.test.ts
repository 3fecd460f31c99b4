import { describe, expect, it } from 'vitest';
import { failure } from '../../../test/helpers.js';
import { createTestAuth, PASSWORD } from '../../../test/auth-harness.js';
import type { AccountMailSettings, AccountMessage } from './account-mail.js';

/** Mail settings whose `send` keeps the messages, so a test can read the tokens the core handed out. */
function mailbox(overrides: Partial<AccountMailSettings> = {}) {
  const sent: AccountMessage[] = [];
  const settings: AccountMailSettings = {
    send: async (message) => {
      sent.push(message);
    },
    emailVerification: 'optional',
    passwordReset: true,
    verifyEmailTtlSeconds: 86_400,
    passwordResetTtlSeconds: 1_800,
    ...overrides,
  };
  const tokenOf = (kind: 'verify_email' | 'password_reset', to: string): string => {
    const message = [...sent].reverse().find((m) => m.kind === kind && m.to === to);
    if (!message || !('token' in message)) throw new Error(`no ${kind} mail to ${to}`);
    return message.token;
  };
  return { settings, sent, tokenOf };
}

describe('account mail rules in core', () => {
  it('a verification token for an address the account no longer has verifies nothing', async () => {
    const mail = mailbox();
    const { auth, stores, clock } = await createTestAuth({}, { mail: mail.settings });
    const { user } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const token = mail.tokenOf('verify_email', 'ann@example.test');
    // The address changes behind the token's back (straight in the store, so the token survives).
    await stores.users.updateUserEmail(user.id, 'other@example.test', new Date(clock.now()));
    expect((await failure(auth.verifyEmail(token))).code).toBe('invalid_link');
    expect(await stores.emailVerifications.emailVerifiedAt(user.id, 'other@example.test')).toBeNull();
    expect(await stores.emailVerifications.emailVerifiedAt(user.id, 'ann@example.test')).toBeNull();
  });

  it('a reset token of a since-disabled account is refused and changes nothing', async () => {
    const mail = mailbox();
    const { auth, stores, clock } = await createTestAuth({}, { mail: mail.settings });
    const { user } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.requestPasswordReset('ann@example.test');
    const token = mail.tokenOf('password_reset', 'ann@example.test');
    await stores.users.setUserDisabled(user.id, new Date(clock.now()), new Date(clock.now()));
    const before = (await stores.users.findUserById(user.id))!.passwordHash;
    expect((await failure(auth.completePasswordReset(token, 'a brand new passphrase'))).code).toBe('invalid_link');
    expect((await stores.users.findUserById(user.id))!.passwordHash).toBe(before);
  });

  it('completing a reset revokes every session, the new password refuses the email as password, and the user is told', async () => {
    const mail = mailbox();
    const { auth, stores, clock, revokedEvents } = await createTestAuth({}, { mail: mail.settings });
    const { user, tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.requestPasswordReset('ann@example.test');
    const token = mail.tokenOf('password_reset', 'ann@example.test');
    // The one policy rule that needs the account: it spends the link (checked after the consume).
    expect((await failure(auth.completePasswordReset(token, 'ann@example.test'))).code).toBe('invalid_request');
    await auth.requestPasswordReset('ann@example.test');
    await auth.completePasswordReset(mail.tokenOf('password_reset', 'ann@example.test'), 'a brand new passphrase');
    expect(await stores.sessions.listUserSessions(user.id, new Date(clock.now()))).toEqual([]);
    expect(revokedEvents.flat()).toContain(tokens.sessionId);
    expect(mail.sent.at(-1)).toEqual({ kind: 'password_reset_done', to: 'ann@example.test' });
  });

  it('without mail settings every mail operation is not_found and signup mails nothing', async () => {
    const { auth } = await createTestAuth();
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    expect((await failure(auth.requestPasswordReset('ann@example.test'))).code).toBe('not_found');
    expect((await failure(auth.verifyEmail('A'.repeat(43)))).code).toBe('not_found');
    const claims = auth.verifyAccessToken(tokens.accessToken);
    expect(claims).not.toHaveProperty('email_verified');
  });
});
