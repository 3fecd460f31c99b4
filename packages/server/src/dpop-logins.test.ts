import type { AuthEvent } from '@tessera/core';
import { URI, type TOTP } from 'otpauth';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, json, ORIGIN, PASSWORD } from '../test/harness.js';
import { dpopTestKey, type DpopTestKey } from '../test/dpop.js';
import { VERIFY_TWO_FACTOR } from '../test/graphql.js';
import { SoftAuthenticator } from './testing/soft-authenticator.js';

// The second-factor step and a passkey sign-in start sessions as signup and login do: a proof that comes along
// binds the session to its key, and TESSERA_DPOP=required refuses them without one.

let t: Awaited<ReturnType<typeof createTestApp>>;
let events: AuthEvent[];
afterEach(async () => t.close());

async function start(env: Record<string, string> = {}): Promise<void> {
  t = await createTestApp(env);
  events = [];
  t.runtime.auth.onEvent((event) => events.push(event));
}

const EMAIL = 'ann@example.test';
const url = (path: string) => `${ORIGIN}${path}`;

interface TokenBody {
  accessToken: string;
  tokenType: string;
  refreshToken: string;
  user: { id: string };
}

/** A request as a client holding `key` sends it: a proof for this method and URL, and for `token` when given. */
function send(method: string, path: string, options: { key?: DpopTestKey; token?: string; body?: unknown } = {}): Promise<Response> {
  const { key, token, body } = options;
  const headers: Record<string, string> = {};
  if (key) headers.dpop = key.proof(method, url(path), token === undefined ? {} : { accessToken: token });
  if (token !== undefined) headers.authorization = `${key ? 'DPoP' : 'Bearer'} ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return t.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** The access token's claims, as any verifier would read them after checking the signature. */
function claimsOf(accessToken: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function errorOf(response: Response): Promise<{ status: number; error: string }> {
  return { status: response.status, error: ((await response.json()) as { error: string }).error };
}

async function liveSessions(userId: string): Promise<number> {
  return (await t.runtime.stores.sessions.listUserSessions(userId, new Date(t.clock.now()))).length;
}

/**
 * The refused refresh of a stolen token: without the key's proof the refresh is invalid_grant, the session ends
 * (its access token is refused at once) and the theft is audited.
 */
async function expectBoundSession(tokens: TokenBody, device: DpopTestKey): Promise<void> {
  expect(tokens.tokenType).toBe('DPoP');
  expect(claimsOf(tokens.accessToken).cnf).toEqual({ jkt: device.jkt });
  expect((await send('GET', '/auth/me', { key: device, token: tokens.accessToken })).status).toBe(200);
  expect(await errorOf(await send('POST', '/auth/refresh', { body: { refreshToken: tokens.refreshToken } }))).toEqual({ status: 401, error: 'invalid_grant' });
  expect(events.filter((e) => e.type === 'stolen_token_detected')).toEqual([expect.objectContaining({ proof: 'missing', sessionRevoked: true })]);
  expect(await errorOf(await send('GET', '/auth/me', { key: device, token: tokens.accessToken }))).toEqual({ status: 401, error: 'invalid_token' });
}

/** Signs up (with a proof by `key` when given), enrols and confirms TOTP: the account has a second factor. */
async function accountWithTwoFactor(key?: DpopTestKey): Promise<{ totp: TOTP; userId: string }> {
  const signup = await send('POST', '/auth/signup', { key, body: { email: EMAIL, password: PASSWORD, transport: 'body' } });
  expect(signup.status).toBe(201);
  const { accessToken: token, user } = (await signup.json()) as TokenBody;
  const enrolled = await send('POST', '/auth/two-factor/enroll', { key, token, body: {} });
  const totp = URI.parse(((await enrolled.json()) as { otpauthUri: string }).otpauthUri) as TOTP;
  expect((await send('POST', '/auth/two-factor/confirm', { key, token, body: { code: totp.generate({ timestamp: t.clock.now() }) } })).status).toBe(200);
  // Past the confirming code's step, so the next code is a fresh one.
  t.clock.advance(30_000);
  return { totp, userId: user.id };
}

/** The password step of a login to a two-factor account: its challenge. */
async function passwordStep(key?: DpopTestKey): Promise<string> {
  const response = await send('POST', '/auth/login', { key, body: { email: EMAIL, password: PASSWORD } });
  const body = (await response.json()) as { error: string; twoFactor: { challenge: string } };
  expect(body.error).toBe('two_factor_required');
  return body.twoFactor.challenge;
}

describe('the second-factor step with a DPoP proof', () => {
  it('binds the session it starts to the proof key: tokenType DPoP, cnf.jkt, and a refresh without the key ends it', async () => {
    await start();
    const { totp } = await accountWithTwoFactor();
    const device = dpopTestKey(t.clock.now);
    const challenge = await passwordStep();
    const verified = await send('POST', '/auth/two-factor/verify', { key: device, body: { challenge, code: totp.generate({ timestamp: t.clock.now() }), transport: 'body' } });
    expect(verified.status).toBe(200);
    await expectBoundSession((await verified.json()) as TokenBody, device);
  });

  it('over GraphQL too: verifyTwoFactor at /graphql with a proof binds the session to its key', async () => {
    await start();
    const { totp } = await accountWithTwoFactor();
    const device = dpopTestKey(t.clock.now);
    const challenge = await passwordStep();
    const response = await t.request('/graphql', json(
      { query: VERIFY_TWO_FACTOR, variables: { challenge, code: totp.generate({ timestamp: t.clock.now() }), transport: 'BODY' } },
      { dpop: device.proof('POST', url('/graphql')), accept: 'application/graphql-response+json' },
    ));
    const { data } = (await response.json()) as { data: { verifyTwoFactor: TokenBody } };
    await expectBoundSession(data.verifyTwoFactor, device);
  });

  it('refuses a proof that does not fit the request, before the challenge or the code is looked at', async () => {
    await start();
    const { totp } = await accountWithTwoFactor();
    const device = dpopTestKey(t.clock.now);
    const challenge = await passwordStep();
    const body = { challenge, code: totp.generate({ timestamp: t.clock.now() }), transport: 'body' };
    const wrongUrl = device.proof('POST', url('/auth/login'));
    expect(await errorOf(await t.request('/auth/two-factor/verify', json(body, { dpop: wrongUrl })))).toEqual({ status: 401, error: 'invalid_dpop_proof' });
    // The same challenge and code still work: nothing was spent by the refused request.
    const verified = await send('POST', '/auth/two-factor/verify', { key: device, body });
    expect(((await verified.json()) as TokenBody).tokenType).toBe('DPoP');
  });

  it('without a proof, TESSERA_DPOP=optional starts a bearer session', async () => {
    await start();
    const { totp } = await accountWithTwoFactor();
    const verified = await send('POST', '/auth/two-factor/verify', { body: { challenge: await passwordStep(), code: totp.generate({ timestamp: t.clock.now() }), transport: 'body' } });
    const tokens = (await verified.json()) as TokenBody;
    expect(tokens.tokenType).toBe('Bearer');
    expect(claimsOf(tokens.accessToken)).not.toHaveProperty('cnf');
  });

  it('TESSERA_DPOP=required refuses it without a proof, spending neither the challenge nor the code, and starting no session', async () => {
    await start({ TESSERA_DPOP: 'required' });
    const device = dpopTestKey(t.clock.now);
    const { totp, userId } = await accountWithTwoFactor(device);
    const challenge = await passwordStep(device);
    const sessionsBefore = await liveSessions(userId);
    const body = { challenge, code: totp.generate({ timestamp: t.clock.now() }), transport: 'body' };
    expect(await errorOf(await send('POST', '/auth/two-factor/verify', { body }))).toEqual({ status: 401, error: 'invalid_dpop_proof' });
    expect(await liveSessions(userId)).toBe(sessionsBefore);
    expect(events.filter((e) => e.type === 'two_factor_failed')).toEqual([]);
    // The client adds its proof and sends the very same challenge and code again.
    const verified = await send('POST', '/auth/two-factor/verify', { key: device, body });
    expect(verified.status).toBe(200);
    expect(((await verified.json()) as TokenBody).tokenType).toBe('DPoP');
    expect(await liveSessions(userId)).toBe(sessionsBefore + 1);
  });
});

describe('a passkey sign-in with a DPoP proof', () => {
  type Ceremony = { challengeId: string; options: { challenge: string } };

  /** Signs up (with a proof by `key` when given) and registers a passkey on a software authenticator. */
  async function userWithPasskey(key?: DpopTestKey): Promise<{ authenticator: SoftAuthenticator; userId: string }> {
    const signup = await send('POST', '/auth/signup', { key, body: { email: EMAIL, password: PASSWORD, transport: 'body' } });
    const { accessToken: token, user } = (await signup.json()) as TokenBody;
    const authenticator = new SoftAuthenticator(ORIGIN);
    const ceremony = (await (await send('POST', '/auth/passkeys/register/options', { key, token, body: {} })).json()) as Ceremony;
    const registered = await send('POST', '/auth/passkeys/register', { key, token, body: { challengeId: ceremony.challengeId, response: authenticator.register(ceremony.options) } });
    expect(registered.status).toBe(201);
    return { authenticator, userId: user.id };
  }

  async function signInAnswer(authenticator: SoftAuthenticator): Promise<{ challengeId: string; response: unknown; transport: 'body' }> {
    const ceremony = (await (await send('POST', '/auth/passkeys/login/options', { body: {} })).json()) as Ceremony;
    return { challengeId: ceremony.challengeId, response: authenticator.authenticate(ceremony.options), transport: 'body' };
  }

  it('binds the session it starts to the proof key: tokenType DPoP, cnf.jkt, and a refresh without the key ends it', async () => {
    await start();
    const { authenticator } = await userWithPasskey();
    const device = dpopTestKey(t.clock.now);
    const signedIn = await send('POST', '/auth/passkeys/login', { key: device, body: await signInAnswer(authenticator) });
    expect(signedIn.status).toBe(200);
    await expectBoundSession((await signedIn.json()) as TokenBody, device);
  });

  it('without a proof, TESSERA_DPOP=optional starts a bearer session', async () => {
    await start();
    const { authenticator } = await userWithPasskey();
    const tokens = (await (await send('POST', '/auth/passkeys/login', { body: await signInAnswer(authenticator) })).json()) as TokenBody;
    expect(tokens.tokenType).toBe('Bearer');
  });

  it('TESSERA_DPOP=required refuses it without a proof, leaving the challenge and the counter for the retry with one', async () => {
    await start({ TESSERA_DPOP: 'required' });
    const device = dpopTestKey(t.clock.now);
    const { authenticator, userId } = await userWithPasskey(device);
    const sessionsBefore = await liveSessions(userId);
    const answer = await signInAnswer(authenticator);
    expect(await errorOf(await send('POST', '/auth/passkeys/login', { body: answer }))).toEqual({ status: 401, error: 'invalid_dpop_proof' });
    expect(await liveSessions(userId)).toBe(sessionsBefore);
    expect(events.filter((e) => e.type === 'passkey_login_failed')).toEqual([]);
    const signedIn = await send('POST', '/auth/passkeys/login', { key: device, body: answer });
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as TokenBody).tokenType).toBe('DPoP');
    expect(await liveSessions(userId)).toBe(sessionsBefore + 1);
  });
});
