import type { AuthEvent } from '@tessera/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { observeStores } from './metrics/observe-stores.js';
import { cookieJar, createTestApp, json, ORIGIN, signupWithCookie } from '../test/harness.js';
import { SoftAuthenticator } from './testing/soft-authenticator.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let events: AuthEvent[];
beforeEach(async () => {
  t = await createTestApp();
  events = [];
  t.runtime.auth.onEvent((event) => events.push(event));
});
afterEach(async () => t.close());

type Ceremony = { challengeId: string; options: { challenge: string; user?: { id: string }; allowCredentials?: { id: string }[]; rpId?: string; rp?: { id: string } } };
const bearer = (token: string, body?: unknown): RequestInit => (body === undefined ? { headers: { authorization: `Bearer ${token}` } } : json(body, { authorization: `Bearer ${token}` }));

async function startRegistration(token: string): Promise<Ceremony> {
  const response = await t.request('/auth/passkeys/register/options', bearer(token, {}));
  expect(response.status).toBe(200);
  return (await response.json()) as Ceremony;
}

/** Signs up and registers one passkey on a software authenticator. */
async function userWithPasskey(email = 'ann@example.test') {
  const { body } = await signupWithCookie(t.request, email);
  const authenticator = new SoftAuthenticator(ORIGIN);
  const ceremony = await startRegistration(body.accessToken);
  const response = await t.request('/auth/passkeys/register', bearer(body.accessToken, { challengeId: ceremony.challengeId, response: authenticator.register(ceremony.options), name: 'My phone' }));
  expect(response.status).toBe(201);
  const { passkey } = (await response.json()) as { passkey: { id: string } };
  return { token: body.accessToken, userId: body.user.id, authenticator, passkeyId: passkey.id };
}

async function startSignIn(body: unknown = {}): Promise<Ceremony> {
  const response = await t.request('/auth/passkeys/login/options', json(body));
  expect(response.status).toBe(200);
  return (await response.json()) as Ceremony;
}

async function expectError(response: Response, status: number, error: string) {
  expect({ status: response.status, body: (await response.json()) as unknown }).toEqual({ status, body: { error, message: expect.any(String) } });
}

describe('registering a passkey', () => {
  it('asks for a discoverable, user-verified credential on the issuer’s host, bound to the user id', async () => {
    const { body } = await signupWithCookie(t.request);
    const { options } = (await (await t.request('/auth/passkeys/register/options', bearer(body.accessToken, {}))).json()) as {
      options: { rp: { id: string; name: string }; user: { id: string; name: string }; authenticatorSelection: Record<string, unknown>; challenge: string };
    };
    expect(options.rp).toEqual({ id: 'localhost', name: 'Tessera' });
    expect(options.user.id).toBe(Buffer.from(body.user.id).toString('base64url'));
    expect(options.user.name).toBe('ann@example.test');
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', requireResidentKey: true, userVerification: 'required' });
    expect(Buffer.from(options.challenge, 'base64url')).toHaveLength(32);
  });

  it('stores the passkey, lists it without key material, and records the event', async () => {
    const { token, userId, passkeyId } = await userWithPasskey();
    const response = await t.request('/auth/passkeys', bearer(token));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      passkeys: [{ id: passkeyId, name: 'My phone', deviceType: 'singleDevice', backedUp: false, createdAt: '2031-01-01T00:00:00.000Z', lastUsedAt: null }],
    });
    expect(events.filter((e) => e.type === 'passkey_registered')).toEqual([expect.objectContaining({ userId, passkeyId })]);
  });

  it('refuses an answer made on another origin, and the challenge is spent', async () => {
    const { body } = await signupWithCookie(t.request);
    const authenticator = new SoftAuthenticator(ORIGIN);
    const ceremony = await startRegistration(body.accessToken);
    const wrong = authenticator.register(ceremony.options, { origin: 'https://evil.example' });
    await expectError(await t.request('/auth/passkeys/register', bearer(body.accessToken, { challengeId: ceremony.challengeId, response: wrong })), 400, 'passkey_rejected');
    const right = authenticator.register(ceremony.options);
    await expectError(await t.request('/auth/passkeys/register', bearer(body.accessToken, { challengeId: ceremony.challengeId, response: right })), 400, 'passkey_rejected');
    expect(await t.runtime.stores.passkeys.listUserPasskeys(body.user.id)).toEqual([]);
  });

  it('refuses an answer without user verification', async () => {
    const { body } = await signupWithCookie(t.request);
    const ceremony = await startRegistration(body.accessToken);
    const response = new SoftAuthenticator(ORIGIN).register(ceremony.options, { flags: 0x41 });
    await expectError(await t.request('/auth/passkeys/register', bearer(body.accessToken, { challengeId: ceremony.challengeId, response })), 400, 'passkey_rejected');
  });

  it('refuses another account’s registration challenge', async () => {
    const ann = await signupWithCookie(t.request);
    const bob = await signupWithCookie(t.request, 'bob@example.test');
    const ceremony = await startRegistration(ann.body.accessToken);
    const response = new SoftAuthenticator(ORIGIN).register(ceremony.options);
    await expectError(await t.request('/auth/passkeys/register', bearer(bob.body.accessToken, { challengeId: ceremony.challengeId, response })), 400, 'passkey_rejected');
    expect(await t.runtime.stores.passkeys.listUserPasskeys(bob.body.user.id)).toEqual([]);
  });

  it('refuses an expired challenge', async () => {
    const { body } = await signupWithCookie(t.request);
    const ceremony = await startRegistration(body.accessToken);
    t.clock.advance(300_000);
    const response = new SoftAuthenticator(ORIGIN).register(ceremony.options);
    await expectError(await t.request('/auth/passkeys/register', bearer(body.accessToken, { challengeId: ceremony.challengeId, response })), 400, 'passkey_rejected');
  });

  it('needs a Bearer token', async () => {
    const response = await t.request('/auth/passkeys/register/options', json({}));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
  });

  it.each([
    ['no response', { challengeId: 'x'.repeat(22) }],
    ['a response that is not an object', { challengeId: 'x'.repeat(22), response: 'abc' }],
    ['a response without attestation', { challengeId: 'x'.repeat(22), response: { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'e30' } } }],
    ['a credential id that is not base64url', { challengeId: 'x'.repeat(22), response: { id: 'a/b', rawId: 'a/b', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } } }],
    ['an unknown field', { challengeId: 'x'.repeat(22), response: {}, extra: true }],
    ['a name with a control character', { challengeId: 'x'.repeat(22), response: { id: 'abc', rawId: 'abc', type: 'public-key', response: { clientDataJSON: 'e30', attestationObject: 'oA' } }, name: 'Phone\u0007' }],
  ])('answers 400 invalid_request for %s', async (_, payload) => {
    const { body } = await signupWithCookie(t.request);
    await expectError(await t.request('/auth/passkeys/register', bearer(body.accessToken, payload)), 400, 'invalid_request');
  });
});

describe('signing in with a passkey', () => {
  it('usernameless: opens an ordinary session (cookie transport), and the passkey records its use', async () => {
    const { userId, authenticator, passkeyId, token } = await userWithPasskey();
    const ceremony = await startSignIn();
    expect(ceremony.options.allowCredentials).toBeUndefined();
    expect(ceremony.options.rpId).toBe('localhost');
    t.clock.advance(1_000);
    const response = await t.request('/auth/passkeys/login', json({ challengeId: ceremony.challengeId, response: authenticator.authenticate(ceremony.options) }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { user: { id: string }; accessToken: string; tokenType: string; csrfToken: string };
    expect(body).toMatchObject({ user: { id: userId, email: 'ann@example.test' }, tokenType: 'Bearer' });
    expect(Object.keys(cookieJar(response))).toEqual(expect.arrayContaining(['tessera_refresh', 'tessera_csrf']));
    expect((await t.request('/auth/me', bearer(body.accessToken))).status).toBe(200);
    const sessions = (await (await t.request('/auth/sessions', bearer(token))).json()) as { sessions: unknown[] };
    expect(sessions.sessions).toHaveLength(2);
    const listed = (await (await t.request('/auth/passkeys', bearer(token))).json()) as { passkeys: { lastUsedAt: string | null }[] };
    expect(listed.passkeys[0]!.lastUsedAt).toBe('2031-01-01T00:00:01.000Z');
    expect(events.filter((e) => e.type === 'passkey_login_succeeded')).toEqual([expect.objectContaining({ userId, passkeyId })]);
  });

  it('with transport "body", the refresh token comes back in the body and no cookie is set', async () => {
    const { authenticator } = await userWithPasskey();
    const ceremony = await startSignIn();
    const response = await t.request('/auth/passkeys/login', json({ challengeId: ceremony.challengeId, response: authenticator.authenticate(ceremony.options), transport: 'body' }));
    expect(response.status).toBe(200);
    expect(((await response.json()) as { refreshToken?: string }).refreshToken).toEqual(expect.any(String));
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('email-first: offers the account’s passkeys, and an unknown email gets the same shape with none', async () => {
    const { passkeyId } = await userWithPasskey();
    const known = await startSignIn({ email: 'ANN@example.test' });
    expect(known.options.allowCredentials).toEqual([{ id: passkeyId, type: 'public-key', transports: ['internal'] }]);
    const unknown = await startSignIn({ email: 'nobody@example.test' });
    expect(unknown.options.allowCredentials).toEqual([]);
    expect(Object.keys(unknown.options).sort()).toEqual(Object.keys(known.options).sort());
  });

  it('email-first: another account’s passkey is refused', async () => {
    const { authenticator } = await userWithPasskey();
    await signupWithCookie(t.request, 'bob@example.test');
    const ceremony = await startSignIn({ email: 'bob@example.test' });
    const response = await t.request('/auth/passkeys/login', json({ challengeId: ceremony.challengeId, response: authenticator.authenticate(ceremony.options) }));
    await expectError(response, 400, 'passkey_rejected');
    expect(events.filter((e) => e.type === 'passkey_login_failed')).toEqual([expect.objectContaining({ reason: 'unknown_passkey' })]);
  });

  it('a replayed answer is refused: the challenge is single use', async () => {
    const { authenticator } = await userWithPasskey();
    const ceremony = await startSignIn();
    const answer = { challengeId: ceremony.challengeId, response: authenticator.authenticate(ceremony.options) };
    expect((await t.request('/auth/passkeys/login', json(answer))).status).toBe(200);
    await expectError(await t.request('/auth/passkeys/login', json(answer)), 400, 'passkey_rejected');
    expect(events.filter((e) => e.type === 'passkey_login_failed')).toEqual([expect.objectContaining({ reason: 'challenge' })]);
  });

  it('an expired challenge is refused', async () => {
    const { authenticator } = await userWithPasskey();
    const ceremony = await startSignIn();
    t.clock.advance(300_000);
    await expectError(await t.request('/auth/passkeys/login', json({ challengeId: ceremony.challengeId, response: authenticator.authenticate(ceremony.options) })), 400, 'passkey_rejected');
  });

  it('a counter that did not grow (a cloned authenticator) is refused', async () => {
    const { authenticator } = await userWithPasskey();
    const first = await startSignIn();
    expect((await t.request('/auth/passkeys/login', json({ challengeId: first.challengeId, response: authenticator.authenticate(first.options, undefined, { counter: 5 }) }))).status).toBe(200);
    const second = await startSignIn();
    await expectError(await t.request('/auth/passkeys/login', json({ challengeId: second.challengeId, response: authenticator.authenticate(second.options, undefined, { counter: 5 }) })), 400, 'passkey_rejected');
  });

  it('refuses a signature by another key, another origin, a user handle of another account, and a registration challenge', async () => {
    const { authenticator, token } = await userWithPasskey();
    const other = new SoftAuthenticator(ORIGIN);
    other.register({ challenge: 'x', user: { id: 'someone' } });
    const cases = [
      async (c: Ceremony) => ({ ...other.authenticate(c.options), id: authenticator.credentials[0]!.id, rawId: authenticator.credentials[0]!.id }),
      async (c: Ceremony) => authenticator.authenticate(c.options, undefined, { origin: 'https://evil.example' }),
      async (c: Ceremony) => authenticator.authenticate(c.options, undefined, { userHandle: Buffer.from('someone-else').toString('base64url') }),
      async (c: Ceremony) => authenticator.authenticate(c.options, undefined, { flags: 0x01 }),
    ];
    for (const make of cases) {
      const ceremony = await startSignIn();
      await expectError(await t.request('/auth/passkeys/login', json({ challengeId: ceremony.challengeId, response: await make(ceremony) })), 400, 'passkey_rejected');
    }
    const registration = await startRegistration(token);
    await expectError(await t.request('/auth/passkeys/login', json({ challengeId: registration.challengeId, response: authenticator.authenticate(registration.options) })), 400, 'passkey_rejected');
  });

  it('a disabled account gets 403 account_disabled and no session', async () => {
    const { authenticator, userId } = await userWithPasskey();
    await t.runtime.stores.users.setUserDisabled(userId, new Date(), new Date());
    const ceremony = await startSignIn();
    await expectError(await t.request('/auth/passkeys/login', json({ challengeId: ceremony.challengeId, response: authenticator.authenticate(ceremony.options) })), 403, 'account_disabled');
    expect(await t.runtime.stores.sessions.listUserSessions(userId, new Date(t.clock.now()))).toHaveLength(1);
  });

  it('a challenge id we could never have issued never reaches the store (a NUL byte is an error in PostgreSQL)', async () => {
    const { authenticator } = await userWithPasskey();
    const ceremony = await startSignIn();
    const consume = vi.spyOn(t.runtime.stores.passkeys, 'consumePasskeyChallenge');
    await expectError(await t.request('/auth/passkeys/login', json({ challengeId: `${ceremony.challengeId.slice(1)}\u0000`, response: authenticator.authenticate(ceremony.options) })), 400, 'passkey_rejected');
    expect(consume).not.toHaveBeenCalled();
  });

  it('answers 400 invalid_request for a malformed answer and a non-string email', async () => {
    await expectError(await t.request('/auth/passkeys/login', json({ challengeId: 'abc', response: [] })), 400, 'invalid_request');
    await expectError(await t.request('/auth/passkeys/login', json({ response: {} })), 400, 'invalid_request');
    await expectError(await t.request('/auth/passkeys/login/options', json({ email: 42 })), 400, 'invalid_request');
    await expectError(await t.request('/auth/passkeys/login/options', json({ email: 'not an email' })), 400, 'invalid_request');
  });

  it('limits ceremony steps per address: the 61st in a minute is 429 with Retry-After', async () => {
    for (let i = 0; i < 60; i += 1) expect((await t.request('/auth/passkeys/login/options', json({}))).status).toBe(200);
    const response = await t.request('/auth/passkeys/login/options', json({}));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(events.filter((e) => e.type === 'rate_limited')).toEqual([expect.objectContaining({ action: 'passkey' })]);
  });
});

describe('removing a passkey', () => {
  it('removes the user’s own passkey, which then cannot sign in; somebody else’s is 404', async () => {
    const ann = await userWithPasskey();
    const bob = await signupWithCookie(t.request, 'bob@example.test');
    await expectError(await t.request(`/auth/passkeys/${ann.passkeyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${bob.body.accessToken}` } }), 404, 'not_found');
    await expectError(await t.request('/auth/passkeys/no%00such', { method: 'DELETE', headers: { authorization: `Bearer ${bob.body.accessToken}` } }), 404, 'not_found');
    const removed = await t.request(`/auth/passkeys/${ann.passkeyId}`, { method: 'DELETE', headers: { authorization: `Bearer ${ann.token}` } });
    expect(removed.status).toBe(204);
    expect(events.filter((e) => e.type === 'passkey_removed')).toEqual([expect.objectContaining({ userId: ann.userId, passkeyId: ann.passkeyId })]);
    const ceremony = await startSignIn();
    await expectError(await t.request('/auth/passkeys/login', json({ challengeId: ceremony.challengeId, response: ann.authenticator.authenticate(ceremony.options) })), 400, 'passkey_rejected');
  });
});

describe('configuration', () => {
  const base = { TESSERA_DATABASE_URL: 'sqlite::memory:' };
  it.each([
    [{ TESSERA_WEBAUTHN_RP_ID: 'https://example.com' }, 'TESSERA_WEBAUTHN_RP_ID'],
    [{ TESSERA_WEBAUTHN_RP_ID: '10.0.0.1' }, 'TESSERA_WEBAUTHN_RP_ID'],
    [{ TESSERA_ISSUER: 'https://auth.example.com', TESSERA_WEBAUTHN_RP_ID: 'example.org' }, 'TESSERA_WEBAUTHN_ORIGINS (derived from TESSERA_ISSUER)'],
    [{ TESSERA_WEBAUTHN_ORIGINS: 'http://app.example.com' }, 'TESSERA_WEBAUTHN_ORIGINS'],
    [{ TESSERA_WEBAUTHN_ORIGINS: 'https://localhost/app' }, 'TESSERA_WEBAUTHN_ORIGINS'],
  ])('refuses %j in one sentence naming %s', (env, variable) => {
    let error: unknown;
    try {
      loadConfig({ ...base, ...env }, '/tmp');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message.startsWith(`${variable}: `)).toBe(true);
    expect((error as Error).message.split('\n')).toHaveLength(1);
  });

  it('accepts an RP ID shared by several https origins on its subdomains', () => {
    const config = loadConfig({ ...base, TESSERA_ISSUER: 'https://auth.example.com', TESSERA_WEBAUTHN_RP_ID: 'example.com', TESSERA_WEBAUTHN_ORIGINS: 'https://example.com,https://app.example.com' }, '/tmp');
    expect(config.webauthn).toEqual({ rpId: 'example.com', origins: ['https://example.com', 'https://app.example.com'], rpName: 'Tessera' });
  });

  it('leaves passkeys off when nothing is set and the issuer is an IP address', async () => {
    const other = await createTestApp({ TESSERA_ISSUER: 'http://127.0.0.1:3000' });
    try {
      expect((await other.app.request('http://127.0.0.1:3000/auth/passkeys/login/options', json({}))).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});

describe('metrics', () => {
  it('times passkey store calls like the other stores', async () => {
    const seen: [string, string, boolean][] = [];
    const observed = observeStores(t.runtime.stores, (store, operation, _seconds, failed) => void seen.push([store, operation, failed]));
    expect(await observed.passkeys.findPasskey('missing')).toBeNull();
    expect(seen).toEqual([['passkeys', 'findPasskey', false]]);
  });
});
