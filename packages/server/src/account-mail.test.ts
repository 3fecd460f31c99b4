import type { AuthEvent } from '@tessera/core';
import { TEST_SECRET } from '@tessera/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { cookieHeader, cookieJar, createTestApp, json, PASSWORD, signupWithCookie } from '../test/harness.js';
import { startSmtpServer, tokenIn } from '../test/smtp.js';

const APP_URL = 'https://app.example.test';
const NEW_PASSWORD = 'a brand new passphrase';

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => smtp.close());

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });

async function me(t: TestApp, accessToken: string) {
  const response = await t.request('/auth/me', bearer(accessToken));
  expect(response.status).toBe(200);
  const body = (await response.json()) as { user: { email: string }; emailVerified?: boolean };
  return { ...body.user, emailVerified: body.emailVerified };
}

async function withApp(env: Record<string, string>, run: (t: TestApp, events: AuthEvent[]) => Promise<void>) {
  const t = await createTestApp({ TESSERA_SMTP_URL: smtp.url, TESSERA_MAIL_FROM: 'Tessera <auth@example.test>', TESSERA_APP_URL: APP_URL, ...env });
  const events: AuthEvent[] = [];
  t.runtime.auth.onEvent((event) => events.push(event));
  try {
    await run(t, events);
  } finally {
    await t.close();
  }
}

describe('email verification over real SMTP', () => {
  it('signup mails a link (subject, text and HTML parts); the token verifies the email once; /auth/me and the token say so', async () => {
    await withApp({}, async (t, events) => {
      const { body } = await signupWithCookie(t.request, 'vera@example.test');
      const mail = await smtp.next('vera@example.test', 'Confirm your email address');
      expect(mail.from).toBe('"Tessera" <auth@example.test>');
      const token = tokenIn(mail.text);
      expect(mail.text).toContain(`${APP_URL}/verify-email#token=${token}`);
      expect(mail.html).toContain(`href="${APP_URL}/verify-email#token=${token}"`);
      expect(mail.text).toContain('1440 minutes');

      expect(claimsOf(body.accessToken).email_verified).toBe(false);
      expect((await me(t, body.accessToken)).emailVerified).toBe(false);

      const verified = await t.request('/auth/verify-email', json({ token }));
      expect(verified.status).toBe(200);
      expect(await verified.json()).toEqual({ emailVerified: true });
      expect((await me(t, body.accessToken)).emailVerified).toBe(true);

      const again = await t.request('/auth/verify-email', json({ token }));
      expect(again.status).toBe(400);
      expect(await again.json()).toEqual({ error: 'invalid_link', message: 'This link is invalid, expired or already used; ask for a new one.' });

      const login = await t.request('/auth/login', json({ email: 'vera@example.test', password: PASSWORD }));
      const { accessToken } = (await login.json()) as { accessToken: string };
      expect(claimsOf(accessToken).email_verified).toBe(true);
      expect(accessToken.length).toBeLessThan(1024);

      const types = events.map((e) => e.type);
      expect(types).not.toContain('verification_sent');
      expect(types).toContain('email_verified');
      expect(types).toContain('email_verification_failed');
      // Audit events never carry the link's token.
      expect(JSON.stringify(events)).not.toContain(token);
    });
  });

  it('a verification link expires (24 h by default) and a resend kills the earlier link', async () => {
    await withApp({}, async (t, events) => {
      const { body } = await signupWithCookie(t.request, 'late@example.test');
      const first = tokenIn((await smtp.next('late@example.test', 'Confirm your email address')).text);
      t.clock.advance(24 * 3600_000);
      expect((await t.request('/auth/verify-email', json({ token: first }))).status).toBe(400);

      const { accessToken } = (await (await t.request('/auth/login', json({ email: 'late@example.test', password: PASSWORD }))).json()) as { accessToken: string };
      expect(accessToken).not.toBe(body.accessToken);
      const resend = await t.request('/auth/verify-email/resend', bearer(accessToken, json({})));
      expect(resend.status).toBe(200);
      expect(await resend.json()).toEqual({ sent: true });
      const second = tokenIn((await smtp.next('late@example.test', 'Confirm your email address')).text);
      await t.request('/auth/verify-email/resend', bearer(accessToken, json({})));
      const third = tokenIn((await smtp.next('late@example.test', 'Confirm your email address')).text);
      expect((await t.request('/auth/verify-email', json({ token: second }))).status).toBe(400);
      expect((await t.request('/auth/verify-email', json({ token: third }))).status).toBe(200);
      expect(events.filter((e) => e.type === 'verification_sent')).toHaveLength(2);
      const done = await t.request('/auth/verify-email/resend', bearer(accessToken, json({})));
      expect(await done.json()).toEqual({ sent: false });
    });
  });

  it('TESSERA_EMAIL_VERIFICATION=required: the right password of an unverified account is 403 email_unverified, and works once verified', async () => {
    await withApp({ TESSERA_EMAIL_VERIFICATION: 'required' }, async (t, events) => {
      await signupWithCookie(t.request, 'strict@example.test');
      const token = tokenIn((await smtp.next('strict@example.test', 'Confirm your email address')).text);
      const refused = await t.request('/auth/login', json({ email: 'strict@example.test', password: PASSWORD }));
      expect(refused.status).toBe(403);
      expect(await refused.json()).toEqual({ error: 'email_unverified', message: 'Verify your email address before logging in; we sent you a link.' });
      expect(events.some((e) => e.type === 'login_failed' && e.reason === 'email_unverified')).toBe(true);
      // A wrong password still says only invalid_credentials: the verification state is told to the owner alone.
      expect((await t.request('/auth/login', json({ email: 'strict@example.test', password: 'wrong password!' }))).status).toBe(401);
      expect((await t.request('/auth/verify-email', json({ token }))).status).toBe(200);
      expect((await t.request('/auth/login', json({ email: 'strict@example.test', password: PASSWORD }))).status).toBe(200);
    });
  });

  it('changing the email needs the password, tells the old address, and leaves the new one unverified until its own link', async () => {
    await withApp({}, async (t, events) => {
      const { body } = await signupWithCookie(t.request, 'old@example.test');
      await t.request('/auth/verify-email', json({ token: tokenIn((await smtp.next('old@example.test', 'Confirm your email address')).text) }));
      await signupWithCookie(t.request, 'taken@example.test');

      const wrong = await t.request('/auth/email', bearer(body.accessToken, json({ newEmail: 'new@example.test', password: 'wrong password!' })));
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toEqual({ error: 'invalid_request', message: 'The password is incorrect.' });
      const taken = await t.request('/auth/email', bearer(body.accessToken, json({ newEmail: 'taken@example.test', password: PASSWORD })));
      expect(taken.status).toBe(409);
      expect((await taken.json()) as object).toMatchObject({ error: 'email_taken' });

      const changed = await t.request('/auth/email', bearer(body.accessToken, json({ newEmail: 'New@Example.test', password: PASSWORD })));
      expect(changed.status).toBe(200);
      expect(await changed.json()).toMatchObject({ user: { email: 'new@example.test' }, emailVerified: false });
      const notice = await smtp.next('old@example.test', 'Your email address was changed');
      expect(notice.text).toContain('from old@example.test to new@example.test');
      const token = tokenIn((await smtp.next('new@example.test', 'Confirm your email address')).text);
      expect((await me(t, body.accessToken)).emailVerified).toBe(false);
      expect((await t.request('/auth/verify-email', json({ token }))).status).toBe(200);
      expect(await me(t, body.accessToken)).toMatchObject({ email: 'new@example.test', emailVerified: true });
      expect(events.some((e) => e.type === 'email_changed' && e.oldEmail === 'old@example.test' && e.newEmail === 'new@example.test')).toBe(true);
    });
  });
});

describe('password reset over real SMTP', () => {
  it('mails a link; completing it sets the password, revokes every session at once, and mails the user', async () => {
    await withApp({}, async (t, events) => {
      const first = await signupWithCookie(t.request, 'rita@example.test');
      const second = await t.request('/auth/login', json({ email: 'rita@example.test', password: PASSWORD }));
      const secondJar = cookieJar(second);
      const secondBody = (await second.json()) as { accessToken: string; csrfToken: string };

      const asked = await t.request('/auth/password-reset', json({ email: 'Rita@example.test' }));
      expect(asked.status).toBe(202);
      const mail = await smtp.next('rita@example.test', 'Reset your password');
      const token = tokenIn(mail.text);
      expect(mail.text).toContain(`${APP_URL}/reset-password#token=${token}`);
      expect(mail.html).toContain(`href="${APP_URL}/reset-password#token=${token}"`);
      expect(mail.text).toContain('30 minutes');

      const done = await t.request('/auth/password-reset/complete', json({ token, newPassword: NEW_PASSWORD }));
      expect(done.status).toBe(204);
      await smtp.next('rita@example.test', 'Your password was changed');

      for (const accessToken of [first.body.accessToken, secondBody.accessToken]) {
        const refused = await t.request('/auth/me', bearer(accessToken));
        expect(refused.status).toBe(401);
        expect((await refused.json()) as object).toMatchObject({ error: 'invalid_token' });
      }
      const refresh = await t.request('/auth/refresh', { method: 'POST', headers: { cookie: cookieHeader(secondJar), 'x-csrf-token': secondBody.csrfToken } });
      expect(refresh.status).toBe(401);
      expect((await refresh.json()) as object).toMatchObject({ error: 'invalid_grant' });

      expect((await t.request('/auth/login', json({ email: 'rita@example.test', password: PASSWORD }))).status).toBe(401);
      expect((await t.request('/auth/login', json({ email: 'rita@example.test', password: NEW_PASSWORD }))).status).toBe(200);
      const reused = await t.request('/auth/password-reset/complete', json({ token, newPassword: 'yet another passphrase' }));
      expect(reused.status).toBe(400);
      expect((await reused.json()) as object).toMatchObject({ error: 'invalid_link' });
      expect(events.find((e) => e.type === 'password_reset_completed')).toMatchObject({ sessionsRevoked: 2 });
      expect(JSON.stringify(events)).not.toContain(token);
    });
  });

  it('known and unknown emails get byte-identical answers; only the known one gets mail', async () => {
    await withApp({}, async (t, events) => {
      await signupWithCookie(t.request, 'kim@example.test');
      const observe = async (email: string) => {
        const response = await t.request('/auth/password-reset', json({ email }));
        const headers: [string, string][] = [];
        response.headers.forEach((value, name) => headers.push([name, value]));
        return { status: response.status, headers, body: await response.text() };
      };
      const known = await observe('kim@example.test');
      const unknown = await observe('nobody@example.test');
      expect(known).toEqual(unknown);
      expect(known.status).toBe(202);
      await smtp.next('kim@example.test', 'Reset your password');
      await t.runtime.mail.idle();
      expect(smtp.received.some((m) => m.to === 'nobody@example.test')).toBe(false);
      expect(events.filter((e) => e.type === 'password_reset_requested').map((e) => ('mailed' in e ? e.mailed : null))).toEqual([true, false]);
    });
  });

  it('one account gets at most 3 reset mails an hour; the 4th request is answered alike and mails nothing', async () => {
    await withApp({}, async (t, events) => {
      await signupWithCookie(t.request, 'mona@example.test');
      const answers: string[] = [];
      for (let i = 0; i < 4; i += 1) {
        const response = await t.request('/auth/password-reset', json({ email: 'mona@example.test' }));
        answers.push(`${response.status} ${await response.text()}`);
      }
      expect(new Set(answers).size).toBe(1);
      for (let i = 0; i < 3; i += 1) await smtp.next('mona@example.test', 'Reset your password');
      await t.runtime.mail.idle();
      expect(smtp.received.filter((m) => m.to === 'mona@example.test' && m.subject === 'Reset your password')).toEqual([]);
      expect(events.filter((e) => e.type === 'rate_limited')).toEqual([expect.objectContaining({ action: 'account_mail', retryAfterSeconds: 3600 })]);
    });
  });

  it('a reset link dies after 30 minutes, when a newer one is issued, and when the password changes', async () => {
    await withApp({}, async (t) => {
      const { body } = await signupWithCookie(t.request, 'tess@example.test');
      const ask = async () => {
        await t.request('/auth/password-reset', json({ email: 'tess@example.test' }));
        return tokenIn((await smtp.next('tess@example.test', 'Reset your password')).text);
      };
      const complete = (token: string) => t.request('/auth/password-reset/complete', json({ token, newPassword: NEW_PASSWORD }));

      const expired = await ask();
      t.clock.advance(30 * 60_000);
      expect((await complete(expired)).status).toBe(400);

      const older = await ask();
      const newer = await ask();
      expect((await complete(older)).status).toBe(400);

      // A fresh access token: the first one expired while the clock moved.
      const login = await t.request('/auth/login', json({ email: 'tess@example.test', password: PASSWORD }));
      const { accessToken } = (await login.json()) as { accessToken: string };
      expect(accessToken).not.toBe(body.accessToken);
      const change = await t.request('/auth/password', bearer(accessToken, json({ currentPassword: PASSWORD, newPassword: 'changed by its owner' })));
      expect(change.status).toBe(204);
      expect((await complete(newer)).status).toBe(400);
    });
  });

  it('a too-weak new password is refused without spending the link', async () => {
    await withApp({}, async (t) => {
      await signupWithCookie(t.request, 'weak@example.test');
      await t.request('/auth/password-reset', json({ email: 'weak@example.test' }));
      const token = tokenIn((await smtp.next('weak@example.test', 'Reset your password')).text);
      const weak = await t.request('/auth/password-reset/complete', json({ token, newPassword: 'short' }));
      expect(weak.status).toBe(400);
      expect((await weak.json()) as object).toMatchObject({ error: 'invalid_request' });
      expect((await t.request('/auth/password-reset/complete', json({ token, newPassword: NEW_PASSWORD }))).status).toBe(204);
    });
  });

  it('a disabled account gets no reset mail', async () => {
    await withApp({}, async (t, events) => {
      const { body } = await signupWithCookie(t.request, 'off@example.test');
      await t.runtime.stores.users.setUserDisabled(body.user.id, new Date(t.clock.now()), new Date(t.clock.now()));
      expect((await t.request('/auth/password-reset', json({ email: 'off@example.test' }))).status).toBe(202);
      await t.runtime.mail.idle();
      expect(smtp.received.some((m) => m.to === 'off@example.test' && m.subject === 'Reset your password')).toBe(false);
      expect(events.find((e) => e.type === 'password_reset_requested')).toMatchObject({ mailed: false });
    });
  });
});

describe('bad input and limits', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ TESSERA_SMTP_URL: smtp.url });
  });
  afterEach(async () => t.close());

  it.each([
    ['/auth/verify-email', {}, 'invalid_request'],
    ['/auth/verify-email', { token: 42 }, 'invalid_request'],
    ['/auth/verify-email', { token: 'x'.repeat(129) }, 'invalid_request'],
    ['/auth/verify-email', { token: 'abc', extra: 1 }, 'invalid_request'],
    ['/auth/verify-email', { token: 'not a token' }, 'invalid_link'],
    ['/auth/verify-email', { token: 'A'.repeat(43) }, 'invalid_link'],
    ['/auth/password-reset', {}, 'invalid_request'],
    ['/auth/password-reset', { email: ['a@b.c'] }, 'invalid_request'],
    ['/auth/password-reset', { email: 'not an email' }, 'invalid_request'],
    ['/auth/password-reset/complete', { token: 'A'.repeat(43) }, 'invalid_request'],
    ['/auth/password-reset/complete', { token: 'A'.repeat(43), newPassword: NEW_PASSWORD }, 'invalid_link'],
  ])('%s with %j answers 400 %s', async (path, body, code) => {
    const response = await t.request(path, json(body));
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; message: string };
    expect(answer.error).toBe(code);
    expect(answer.message.length).toBeGreaterThan(0);
  });

  it('refuses a body that is not JSON with the contract format', async () => {
    const response = await t.request('/auth/password-reset', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'email=a@b.c' });
    expect([400, 415]).toContain(response.status);
    expect(Object.keys((await response.json()) as object).sort()).toEqual(['error', 'message']);
  });

  it('resend and email change need a Bearer token', async () => {
    for (const path of ['/auth/verify-email/resend', '/auth/email']) {
      const response = await t.request(path, json({}));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    }
  });

  it('mail-sending requests are limited per address: the 11th reset request in 15 minutes is 429 with Retry-After', async () => {
    for (let i = 0; i < 10; i += 1) expect((await t.request('/auth/password-reset', json({ email: `p${i}@example.test` }))).status).toBe(202);
    const limited = await t.request('/auth/password-reset', json({ email: 'p10@example.test' }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()) as object).toMatchObject({ error: 'rate_limited' });
  });

  it('presenting one-time tokens is limited per address: the 31st in 15 minutes is 429', async () => {
    for (let i = 0; i < 30; i += 1) expect((await t.request('/auth/verify-email', json({ token: 'A'.repeat(43) }))).status).toBe(400);
    expect((await t.request('/auth/verify-email', json({ token: 'A'.repeat(43) }))).status).toBe(429);
  });
});

describe('switching the mail features', () => {
  it('without SMTP outside production, mail goes to the development outbox at GET /dev/outbox', async () => {
    const t = await createTestApp({ TESSERA_APP_URL: APP_URL });
    try {
      await signupWithCookie(t.request, 'dev@example.test');
      await t.runtime.mail.idle();
      const response = await t.request('/dev/outbox');
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const { messages } = (await response.json()) as { messages: { to: string; subject: string; text: string; html: string }[] };
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({ to: 'dev@example.test', subject: 'Confirm your email address' });
      expect((await t.request('/auth/verify-email', json({ token: tokenIn(messages[0]!.text) }))).status).toBe(200);
    } finally {
      await t.close();
    }
  });

  it('with SMTP there is no outbox route', async () => {
    const t = await createTestApp({ TESSERA_SMTP_URL: smtp.url });
    try {
      expect((await t.request('/dev/outbox')).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  const production = { NODE_ENV: 'production', TESSERA_ISSUER: 'https://auth.example.test', TESSERA_SECRET: TEST_SECRET };

  it('production without SMTP starts with the mail features off: their routes answer 404 and signup sends nothing', async () => {
    const config = loadConfig({ ...production, TESSERA_DATABASE_URL: 'sqlite::memory:' });
    expect(config.mail).toMatchObject({ emailVerification: 'off', passwordReset: false, smtpUrl: null });
    const t = await createTestApp(production);
    try {
      const response = await t.request('/auth/password-reset', json({ email: 'a@example.test' }));
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found', message: 'Password reset is not enabled on this server.' });
      expect((await t.request('/auth/verify-email', json({ token: 'A'.repeat(43) }))).status).toBe(404);
      expect((await t.request('/dev/outbox')).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('production refuses to start when a mail feature is asked for without SMTP, naming what to set', () => {
    expect(() => loadConfig({ ...production, TESSERA_PASSWORD_RESET: 'on' })).toThrow(
      new ConfigError('TESSERA_PASSWORD_RESET=on needs mail when NODE_ENV=production: set TESSERA_SMTP_URL (smtp://… or smtps://…) and TESSERA_MAIL_FROM, or turn the feature off.'),
    );
    expect(() => loadConfig({ ...production, TESSERA_SMTP_URL: 'smtp://mail.example.test:587' })).toThrow(/TESSERA_MAIL_FROM is required/);
  });

  it.each([
    [{ TESSERA_SMTP_URL: 'http://mail.example.test' }, 'TESSERA_SMTP_URL must start with smtp:// or smtps://; it starts with http:.'],
    [{ TESSERA_EMAIL_VERIFICATION: 'maybe' }, 'TESSERA_EMAIL_VERIFICATION="maybe" must be off, optional or required.'],
    [{ TESSERA_PASSWORD_RESET_TTL: '0s' }, 'TESSERA_PASSWORD_RESET_TTL="0s" is not a usable lifetime; use a duration from 1s to 7d, like 30m or 24h.'],
    [{ TESSERA_APP_URL: 'ftp://x' }, 'TESSERA_APP_URL must start with https:// or http://; it starts with ftp:.'],
  ])('refuses %j with one sentence', (env, message) => {
    expect(() => loadConfig({ TESSERA_DATABASE_URL: 'sqlite::memory:', ...env })).toThrow(new ConfigError(message));
  });
});
