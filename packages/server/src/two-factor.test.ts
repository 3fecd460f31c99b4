import type { AuthEvent } from '@tessera/core';
import { Secret, TOTP, URI } from 'otpauth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { createAuditLog } from './audit/audit-log.js';
import { codes, graphql, LOG_IN, VERIFY_TWO_FACTOR, type AuthPayload } from '../test/graphql.js';
import { checkedRequest, cookieHeader, cookieJar, createTestApp, json, ORIGIN, PASSWORD, signupWithCookie } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let events: AuthEvent[];
let request: (pathname: string, init?: RequestInit) => Promise<Response>;
beforeEach(async () => {
  t = await createTestApp();
  events = [];
  const app = createApp({ auth: t.runtime.auth, keys: t.runtime.keys, config: t.config, logError: () => {}, onEvent: (event) => void events.push(event) });
  request = checkedRequest(app);
});
afterEach(async () => t.close());

const EMAIL = 'ann@example.test';
const bearer = (token: string, body?: unknown): RequestInit => ({
  method: body === undefined ? 'GET' : 'POST',
  headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

interface Challenge {
  challenge: string;
  methods: string[];
  expiresIn: number;
}

/** The code an authenticator app shows now, from the secret in the otpauth URI the server handed out. */
function codeNow(totp: TOTP): string {
  return totp.generate({ timestamp: t.clock.now() });
}

/** Signs up, enrols and confirms: two-factor is on; the clock is moved past the confirming code's step. */
async function enabledAccount(): Promise<{ accessToken: string; totp: TOTP; recoveryCodes: string[] }> {
  const { body } = await signupWithCookie(request);
  const enrolled = await request('/auth/two-factor/enroll', bearer(body.accessToken, {}));
  expect(enrolled.status).toBe(200);
  const { otpauthUri } = (await enrolled.json()) as { otpauthUri: string };
  const totp = URI.parse(otpauthUri) as TOTP;
  const confirmed = await request('/auth/two-factor/confirm', bearer(body.accessToken, { code: codeNow(totp) }));
  expect(confirmed.status).toBe(200);
  const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
  t.clock.advance(30_000);
  return { accessToken: body.accessToken, totp, recoveryCodes };
}

async function passwordStep(transport?: 'body' | 'cookie'): Promise<{ response: Response; body: { error: string; twoFactor: Challenge } }> {
  const response = await request('/auth/login', json({ email: EMAIL, password: PASSWORD, ...(transport ? { transport } : {}) }));
  return { response, body: (await response.json()) as { error: string; twoFactor: Challenge } };
}

async function challenge(): Promise<string> {
  const { body } = await passwordStep();
  return body.twoFactor.challenge;
}

const verify = (body: Record<string, unknown>) => request('/auth/two-factor/verify', json(body));

describe('enrolment', () => {
  it('hands out an otpauth:// URI and turns on only after a first valid code; the recovery codes come once', async () => {
    const { body } = await signupWithCookie(request);
    const enrolled = await request('/auth/two-factor/enroll', bearer(body.accessToken, {}));
    const enrollment = (await enrolled.json()) as { otpauthUri: string; secret: string };
    expect(enrollment.otpauthUri).toMatch(/^otpauth:\/\/totp\/localhost%3A3000:ann%40example\.test\?/);
    const totp = URI.parse(enrollment.otpauthUri) as TOTP;
    expect(totp).toMatchObject({ algorithm: 'SHA1', digits: 6, period: 30, issuer: 'localhost:3000' });
    expect(totp.secret.base32).toBe(enrollment.secret);
    expect(totp.secret.bytes.byteLength).toBe(20);
    expect(await (await request('/auth/two-factor', bearer(body.accessToken))).json()).toEqual({ enabled: false, pending: true, recoveryCodesLeft: 0 });

    // Pending protects nothing yet: the password alone still logs in.
    expect((await request('/auth/login', json({ email: EMAIL, password: PASSWORD }))).status).toBe(200);

    const wrong = await request('/auth/two-factor/confirm', bearer(body.accessToken, { code: totp.generate({ timestamp: t.clock.now() - 120_000 }) }));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({ error: 'invalid_request', message: 'The code is incorrect or was already used.' });

    const confirmed = await request('/auth/two-factor/confirm', bearer(body.accessToken, { code: codeNow(totp) }));
    expect(confirmed.status).toBe(200);
    const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await (await request('/auth/two-factor', bearer(body.accessToken))).json()).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 10 });

    // Re-enrolling cannot silently replace the active factor (a stolen access token would swap in its own app).
    const again = await request('/auth/two-factor/enroll', bearer(body.accessToken, {}));
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: string }).error).toBe('two_factor_enabled');
  });

  it('stores the TOTP secret encrypted, under a key of its own, bound to the user', async () => {
    const { body } = await signupWithCookie(request);
    const { secret } = (await (await request('/auth/two-factor/enroll', bearer(body.accessToken, {}))).json()) as { secret: string };
    const stored = await t.runtime.stores.twoFactor.findTwoFactor(body.user.id);
    expect(stored!.secretEncrypted).not.toContain(secret);
    expect(Buffer.from(stored!.secretEncrypted, 'base64url').toString('latin1')).not.toContain(secret);
    const { openTotpSecret } = await import('@tessera/core');
    const { deriveKeys } = await import('@tessera/core/secrets');
    const keys = deriveKeys(t.runtime.secret);
    expect(openTotpSecret(stored!.secretEncrypted, keys.totpEncryption, body.user.id)).toBe(secret);
    expect(() => openTotpSecret(stored!.secretEncrypted, keys.keyEncryption, body.user.id)).toThrow();
    expect(() => openTotpSecret(stored!.secretEncrypted, keys.totpEncryption, 'another-user')).toThrow();
  });

  it('refuses enrolment without an access token, and malformed confirmations with 400', async () => {
    const anonymous = await request('/auth/two-factor/enroll', json({}));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    const { body } = await signupWithCookie(request);
    for (const payload of [{}, { code: 123456 }, { code: '123456', extra: 1 }, { code: '1'.repeat(17) }]) {
      const response = await request('/auth/two-factor/confirm', bearer(body.accessToken, payload));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    }
    const nothingPending = await request('/auth/two-factor/confirm', bearer(body.accessToken, { code: '123456' }));
    expect(nothingPending.status).toBe(404);
  });
});

describe('login with a second factor', () => {
  it('answers the right password with 401 two_factor_required and a challenge, never tokens or cookies', async () => {
    await enabledAccount();
    const { response, body } = await passwordStep();
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(body).toEqual({
      error: 'two_factor_required',
      message: 'This account needs a second factor: send a code with the challenge to POST /auth/two-factor/verify.',
      twoFactor: { challenge: expect.stringMatching(/^mfa_[A-Za-z0-9_-]{43}$/) as string, methods: ['totp', 'recovery_code'], expiresIn: 300 },
    });
    // A wrong password still answers exactly as for any account.
    const wrong = await request('/auth/login', json({ email: EMAIL, password: 'not the password at all' }));
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_credentials');
  });

  it('issues the session after a valid TOTP code, as login would (cookie transport): refresh cookie, CSRF, /auth/me', async () => {
    const { totp } = await enabledAccount();
    const response = await verify({ challenge: await challenge(), code: codeNow(totp) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { accessToken: string; csrfToken: string; user: { email: string } };
    expect(body.user.email).toBe(EMAIL);
    expect(body).not.toHaveProperty('refreshToken');
    const jar = cookieJar(response);
    expect(Object.keys(jar).sort()).toEqual(['tessera_csrf', 'tessera_refresh']);
    expect((await request('/auth/me', bearer(body.accessToken))).status).toBe(200);
    const refreshed = await request('/auth/refresh', { method: 'POST', headers: { cookie: cookieHeader(jar), 'x-csrf-token': body.csrfToken, origin: ORIGIN } });
    expect(refreshed.status).toBe(200);
    expect(events.find((e) => e.type === 'login_succeeded')).toMatchObject({ userId: expect.any(String) as string, secondFactor: 'totp' });
  });

  it('issues the refresh token in the body for transport "body", and no cookie', async () => {
    const { totp } = await enabledAccount();
    const { body: step } = await passwordStep('body');
    const response = await verify({ challenge: step.twoFactor.challenge, code: codeNow(totp), transport: 'body' });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    const body = (await response.json()) as { refreshToken: string };
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{64}$/);
    expect((await request('/auth/refresh', json({ refreshToken: body.refreshToken }))).status).toBe(200);
  });

  it('accepts each code once (also the one that confirmed the enrolment), and codes one step either side', async () => {
    const { body } = await signupWithCookie(request);
    const { otpauthUri } = (await (await request('/auth/two-factor/enroll', bearer(body.accessToken, {}))).json()) as { otpauthUri: string };
    const totp = URI.parse(otpauthUri) as TOTP;
    const confirming = codeNow(totp);
    expect((await request('/auth/two-factor/confirm', bearer(body.accessToken, { code: confirming }))).status).toBe(200);
    const replayed = await verify({ challenge: await challenge(), code: confirming });
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { error: string }).error).toBe('invalid_two_factor_code');

    // The previous step's code is late by one step: accepted once (the step is later than the one used)...
    t.clock.advance(60_000);
    const late = totp.generate({ timestamp: t.clock.now() - 30_000 });
    expect((await verify({ challenge: await challenge(), code: late })).status).toBe(200);
    expect((await verify({ challenge: await challenge(), code: late })).status).toBe(401);
    // ...a code two steps old is not, and neither is one two steps ahead.
    t.clock.advance(90_000);
    expect((await verify({ challenge: await challenge(), code: totp.generate({ timestamp: t.clock.now() - 60_000 }) })).status).toBe(401);
    expect((await verify({ challenge: await challenge(), code: totp.generate({ timestamp: t.clock.now() + 60_000 }) })).status).toBe(401);
    expect((await verify({ challenge: await challenge(), code: totp.generate({ timestamp: t.clock.now() + 30_000 }) })).status).toBe(200);
  });

  it('makes a challenge single use, bound to its login, and dead after five minutes', async () => {
    const { totp } = await enabledAccount();
    const used = await challenge();
    expect((await verify({ challenge: used, code: codeNow(totp) })).status).toBe(200);
    t.clock.advance(30_000);
    const again = await verify({ challenge: used, code: codeNow(totp) });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: string }).error).toBe('invalid_challenge');

    const stale = await challenge();
    t.clock.advance(300_000);
    const expired = await verify({ challenge: stale, code: codeNow(totp) });
    expect(((await expired.json()) as { error: string }).error).toBe('invalid_challenge');
    for (const garbage of ['mfa_' + 'A'.repeat(43), 'nonsense', '']) {
      const response = await verify({ challenge: garbage, code: codeNow(totp) });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_challenge');
    }
  });

  it('gives exactly one session to racing answers of one challenge', async () => {
    const { recoveryCodes } = await enabledAccount();
    const mfa = await challenge();
    const responses = await Promise.all(recoveryCodes.slice(0, 5).map((recoveryCode) => verify({ challenge: mfa, recoveryCode })));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
    const codes = await Promise.all(responses.filter((r) => r.status === 401).map(async (r) => ((await r.json()) as { error: string }).error));
    expect(codes).toEqual(['invalid_challenge', 'invalid_challenge', 'invalid_challenge', 'invalid_challenge']);
    expect(events.filter((e) => e.type === 'login_succeeded')).toHaveLength(1);
  });

  it('refuses a challenge as an access token and as a refresh token', async () => {
    await enabledAccount();
    const mfa = await challenge();
    const asAccess = await request('/auth/me', bearer(mfa));
    expect(asAccess.status).toBe(401);
    expect(((await asAccess.json()) as { error: string }).error).toBe('invalid_token');
    const asRefresh = await request('/auth/refresh', json({ refreshToken: mfa }));
    expect(asRefresh.status).toBe(401);
    expect(((await asRefresh.json()) as { error: string }).error).toBe('invalid_grant');
  });

  it('accepts a recovery code once, in any case and with or without dashes', async () => {
    const { recoveryCodes } = await enabledAccount();
    const code = recoveryCodes[0]!;
    const first = await verify({ challenge: await challenge(), recoveryCode: code.toUpperCase().replaceAll('-', ' ') });
    expect(first.status).toBe(200);
    const second = await verify({ challenge: await challenge(), recoveryCode: code });
    expect(second.status).toBe(401);
    expect(((await second.json()) as { error: string }).error).toBe('invalid_two_factor_code');
    expect(events.filter((e) => e.type === 'login_succeeded').at(-1)).toMatchObject({ secondFactor: 'recovery_code' });
  });

  it('refuses bad input with 400 invalid_request', async () => {
    const { totp } = await enabledAccount();
    const mfa = await challenge();
    for (const payload of [
      { challenge: mfa },
      { challenge: mfa, code: codeNow(totp), recoveryCode: 'abcd-efgh-jkmn' },
      { code: codeNow(totp) },
      { challenge: mfa, code: 123456 },
      { challenge: mfa, code: codeNow(totp), extra: true },
      { challenge: mfa, code: codeNow(totp), transport: 'carrier-pigeon' },
    ]) {
      const response = await verify(payload);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
    }
    // Nothing was spent: the challenge and the code still work.
    expect((await verify({ challenge: mfa, code: codeNow(totp) })).status).toBe(200);
  });

  it('counts wrong codes against the account lockout, and a right password in between does not reset it', async () => {
    const { totp } = await enabledAccount();
    const wrong = totp.generate({ timestamp: t.clock.now() - 600_000 });
    const statuses: number[] = [];
    const challenges: string[] = [];
    for (let round = 0; round < 3; round++) {
      const mfa = await challenge();
      challenges.push(mfa);
      for (let i = 0; i < 3; i++) statuses.push((await verify({ challenge: mfa, code: wrong })).status);
    }
    // Each password step used one attempt and each wrong code one: the tenth attempt locked the account.
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 429, 429]);
    // Locked: neither the password step nor the right code gets through.
    const { response: locked } = await passwordStep();
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await verify({ challenge: challenges[0]!, code: codeNow(totp) })).status).toBe(429);
    expect(events.filter((e) => e.type === 'two_factor_failed')).toHaveLength(7);
    expect(events.some((e) => e.type === 'lockout')).toBe(true);
  });
});

describe('disabling', () => {
  it('needs a fresh code, a recovery code or the password; afterwards the password alone logs in', async () => {
    const { accessToken, totp } = await enabledAccount();
    const none = await request('/auth/two-factor/disable', bearer(accessToken, {}));
    expect(none.status).toBe(400);
    const wrongPassword = await request('/auth/two-factor/disable', bearer(accessToken, { password: 'not the password at all' }));
    expect(wrongPassword.status).toBe(400);
    expect(await wrongPassword.json()).toEqual({ error: 'invalid_request', message: 'The password is incorrect.' });
    const wrongCode = await request('/auth/two-factor/disable', bearer(accessToken, { code: totp.generate({ timestamp: t.clock.now() - 600_000 }) }));
    expect(wrongCode.status).toBe(400);
    expect(await wrongCode.json()).toEqual({ error: 'invalid_request', message: 'The code is incorrect or was already used.' });
    expect((await passwordStep()).response.status).toBe(401);

    const disabled = await request('/auth/two-factor/disable', bearer(accessToken, { code: codeNow(totp) }));
    expect(disabled.status).toBe(204);
    expect(events.find((e) => e.type === 'two_factor_disabled')).toMatchObject({ by: 'totp' });
    expect((await request('/auth/login', json({ email: EMAIL, password: PASSWORD }))).status).toBe(200);
    expect((await request('/auth/two-factor/disable', bearer(accessToken, { password: PASSWORD }))).status).toBe(404);
  });

  it('accepts the password, and a challenge issued before the factor was removed no longer works', async () => {
    const { accessToken, totp } = await enabledAccount();
    const mfa = await challenge();
    expect((await request('/auth/two-factor/disable', bearer(accessToken, { password: PASSWORD }))).status).toBe(204);
    const late = await verify({ challenge: mfa, code: codeNow(totp) });
    expect(((await late.json()) as { error: string }).error).toBe('invalid_challenge');
    // Nor once a new enrolment is pending: a pending factor protects nothing and answers no challenge.
    expect((await request('/auth/two-factor/enroll', bearer(accessToken, {}))).status).toBe(200);
    const pending = await verify({ challenge: mfa, code: codeNow(totp) });
    expect(await pending.json()).toEqual({ error: 'invalid_challenge', message: 'The second-factor challenge is unknown, used or expired; log in again.' });
  });
});

describe('new recovery codes', () => {
  const renew = (accessToken: string, body: Record<string, unknown>) => request('/auth/two-factor/recovery-codes', bearer(accessToken, body));

  it('replace every old code with ten new ones, shown once; the old ones stop working at once', async () => {
    const { accessToken, totp, recoveryCodes: old } = await enabledAccount();
    const renewed = await renew(accessToken, { code: codeNow(totp) });
    expect(renewed.status).toBe(200);
    const { recoveryCodes } = (await renewed.json()) as { recoveryCodes: string[] };
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(recoveryCodes.filter((code) => old.includes(code))).toEqual([]);
    expect(events.filter((e) => e.type === 'recovery_codes_regenerated')).toEqual([expect.objectContaining({ by: 'totp' })]);

    const refused = await verify({ challenge: await challenge(), recoveryCode: old[1] });
    expect(((await refused.json()) as { error: string }).error).toBe('invalid_two_factor_code');
    expect((await verify({ challenge: await challenge(), recoveryCode: recoveryCodes[0] })).status).toBe(200);
    expect(await (await request('/auth/two-factor', bearer(accessToken))).json()).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 9 });
  });

  it('need the same proof as turning the factor off: a stolen access token alone mints no codes', async () => {
    const { accessToken, totp, recoveryCodes } = await enabledAccount();
    expect(await (await renew(accessToken, {})).json()).toMatchObject({ error: 'invalid_request' });
    expect(await (await renew(accessToken, { password: 'not the password at all' })).json()).toEqual({ error: 'invalid_request', message: 'The password is incorrect.' });
    const stale = await renew(accessToken, { code: totp.generate({ timestamp: t.clock.now() - 600_000 }) });
    expect(await stale.json()).toEqual({ error: 'invalid_request', message: 'The code is incorrect or was already used.' });
    expect(events.filter((e) => e.type === 'two_factor_failed')).toEqual([
      expect.objectContaining({ stage: 'recovery_codes', method: 'password' }),
      expect.objectContaining({ stage: 'recovery_codes', method: 'totp' }),
    ]);
    // Nothing changed: the old codes still work.
    expect((await verify({ challenge: await challenge(), recoveryCode: recoveryCodes[2] })).status).toBe(200);
    expect((await request('/auth/two-factor/recovery-codes', json({ password: PASSWORD }))).status).toBe(401);

    // A recovery code or the password is proof too (the code it spends is gone with the rest).
    expect((await renew(accessToken, { recoveryCode: recoveryCodes[3] })).status).toBe(200);
    expect((await renew(accessToken, { password: PASSWORD })).status).toBe(200);
  });

  it('are not_found without an enabled second factor, pending included', async () => {
    const { body } = await signupWithCookie(request);
    expect((await renew(body.accessToken, { password: PASSWORD })).status).toBe(404);
    expect((await request('/auth/two-factor/enroll', bearer(body.accessToken, {}))).status).toBe(200);
    expect(await (await renew(body.accessToken, { password: PASSWORD })).json()).toMatchObject({ error: 'not_found' });
  });
});

describe('audit log', () => {
  it('at TESSERA_LOG_LEVEL=warn keeps wrong codes and a removed factor, not the routine steps, and never a code or secret', async () => {
    const lines: string[] = [];
    t.runtime.auth.onEvent(createAuditLog({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } }));
    const { accessToken, totp } = await enabledAccount();
    await verify({ challenge: await challenge(), code: totp.generate({ timestamp: t.clock.now() - 600_000 }) });
    expect((await request('/auth/two-factor/disable', bearer(accessToken, { password: PASSWORD }))).status).toBe(204);
    const records = lines.map((line) => JSON.parse(line) as { type: string; level: number | string });
    expect(records.map((r) => r.type)).toEqual(['two_factor_failed', 'two_factor_disabled']);
    expect(records[0]).toMatchObject({ stage: 'login', method: 'totp', email: EMAIL });
    expect(lines.join('\n')).not.toMatch(new RegExp(`${totp.secret.base32}|mfa_|"code"|recovery`));
  });
});

describe('GraphQL logIn', () => {
  it('does not bypass the second factor: two_factor_required with the challenge in extensions, no tokens', async () => {
    const { totp } = await enabledAccount();
    const { body } = await graphql<{ logIn: unknown }>(request, LOG_IN, { variables: { email: EMAIL, password: PASSWORD, transport: 'BODY' } });
    expect(body.data?.logIn ?? null).toBeNull();
    expect(codes(body)).toEqual(['two_factor_required']);
    const twoFactor = body.errors![0]!.extensions.twoFactor!;
    expect(twoFactor.methods).toEqual(['totp', 'recovery_code']);
    expect(JSON.stringify(body)).not.toMatch(/accessToken"\s*:\s*"ey/);
    expect((await verify({ challenge: twoFactor.challenge, code: codeNow(totp), transport: 'body' })).status).toBe(200);
  });
});

describe('GraphQL verifyTwoFactor', () => {
  async function graphqlChallenge(): Promise<string> {
    const { body } = await graphql<{ logIn: unknown }>(request, LOG_IN, { variables: { email: EMAIL, password: PASSWORD } });
    return body.errors![0]!.extensions.twoFactor!.challenge;
  }

  it('finishes logIn with the authenticator\'s code: the session as POST /auth/two-factor/verify starts it, each challenge once', async () => {
    const { totp } = await enabledAccount();
    const challenge = await graphqlChallenge();
    const { body } = await graphql<{ verifyTwoFactor: AuthPayload }>(request, VERIFY_TWO_FACTOR, { variables: { challenge, code: codeNow(totp), transport: 'BODY' } });
    expect(body.errors).toBeUndefined();
    const payload = body.data!.verifyTwoFactor;
    expect(payload).toMatchObject({ user: { email: EMAIL }, tokenType: 'Bearer', expiresIn: 900 });
    expect((await request('/auth/me', bearer(payload.accessToken))).status).toBe(200);
    expect((await request('/auth/refresh', json({ refreshToken: payload.refreshToken }))).status).toBe(200);
    expect(events.filter((e) => e.type === 'login_succeeded')).toEqual([expect.objectContaining({ email: EMAIL })]);

    // The challenge is spent with the session it started.
    t.clock.advance(30_000);
    const again = await graphql<{ verifyTwoFactor: AuthPayload | null }>(request, VERIFY_TWO_FACTOR, { variables: { challenge, code: codeNow(totp), transport: 'BODY' } });
    expect(again.body.data?.verifyTwoFactor ?? null).toBeNull();
    expect(codes(again.body)).toEqual(['invalid_challenge']);
  });

  it('with the cookie transport sets the refresh cookie; a wrong code gives no session; a recovery code works once', async () => {
    const { totp, recoveryCodes } = await enabledAccount();
    const challenge = await graphqlChallenge();
    const wrong = await graphql<{ verifyTwoFactor: AuthPayload | null }>(request, VERIFY_TWO_FACTOR, { variables: { challenge, code: codeNow(totp) === '000000' ? '111111' : '000000' } });
    expect(codes(wrong.body)).toEqual(['invalid_two_factor_code']);
    expect(wrong.response.headers.getSetCookie()).toEqual([]);

    const { response, body } = await graphql<{ verifyTwoFactor: AuthPayload }>(request, VERIFY_TWO_FACTOR, { variables: { challenge, recoveryCode: recoveryCodes[0] } });
    expect(body.data!.verifyTwoFactor.refreshToken).toBeNull();
    expect(Object.keys(cookieJar(response)).sort()).toEqual(['tessera_csrf', 'tessera_refresh']);

    const reused = await graphql(request, VERIFY_TWO_FACTOR, { variables: { challenge: await graphqlChallenge(), recoveryCode: recoveryCodes[0] } });
    expect(codes(reused.body)).toEqual(['invalid_two_factor_code']);
  });

  it('refuses the input REST refuses: no challenge, an oversized code', async () => {
    await enabledAccount();
    const missing = await graphql(request, `mutation { verifyTwoFactor(challenge: "", code: "123456") { accessToken } }`);
    expect(codes(missing.body)).toEqual(['invalid_challenge']);
    const oversized = await graphql(request, VERIFY_TWO_FACTOR, { variables: { challenge: await graphqlChallenge(), code: '1'.repeat(17) } });
    expect(codes(oversized.body)).toEqual(['invalid_request']);
  });
});

describe('TOTP as authenticator apps compute it', () => {
  it('accepts the code otpauth computes from the base32 secret alone', async () => {
    const { body } = await signupWithCookie(request);
    const { secret } = (await (await request('/auth/two-factor/enroll', bearer(body.accessToken, {}))).json()) as { secret: string };
    const code = TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: t.clock.now() });
    expect((await request('/auth/two-factor/confirm', bearer(body.accessToken, { code }))).status).toBe(200);
  });
});
