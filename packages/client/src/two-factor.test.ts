import type { RunningServer } from '@tessera/server';
import { URI, type TOTP } from 'otpauth';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from './auth-error.js';
import { createAuthClient } from './create-auth-client.js';
import { REFRESH_TOKEN_KEY } from './credentials.js';
import { browserLikeFetch, CookieJar, PASSWORD, startTestServer, uniqueEmail } from '../test/helpers.js';
import type { AuthClient, TokenStorage } from './types.js';

let server: RunningServer;
const clients: AuthClient[] = [];
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

function nativeClient() {
  const values = new Map<string, string>();
  const storage: TokenStorage = { get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value), remove: (key) => void values.delete(key) };
  const client = createAuthClient({ baseUrl: server.url, mode: 'native', fetch: browserLikeFetch(new CookieJar()).fetch, storage });
  clients.push(client);
  return { client, values };
}

/** Signs up and turns on TOTP; the confirming code's step is spent, so later logins use the next step's code. */
async function enrolled(client: AuthClient, email: string): Promise<{ totp: TOTP; recoveryCodes: string[] }> {
  await client.signup({ email, password: PASSWORD });
  const { otpauthUri } = await client.twoFactor.enroll();
  const totp = URI.parse(otpauthUri) as TOTP;
  expect(await client.twoFactor.status()).toEqual({ enabled: false, pending: true, recoveryCodesLeft: 0 });
  const { recoveryCodes } = await client.twoFactor.confirm({ code: totp.generate() });
  expect(await client.twoFactor.status()).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 10 });
  await client.logout();
  return { totp, recoveryCodes };
}

async function challengeOf(login: Promise<unknown>): Promise<string> {
  const error = await login.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  const authError = error as AuthError;
  expect(authError.code).toBe('two_factor_required');
  expect(authError.status).toBe(401);
  expect(authError.twoFactor?.methods).toEqual(['totp', 'recovery_code']);
  return authError.twoFactor!.challenge;
}

describe('client.twoFactor', () => {
  it('login rejects with two_factor_required and its challenge; verify signs in like login (native: the refresh token is stored)', async () => {
    const { client, values } = nativeClient();
    const email = uniqueEmail('totp');
    const { totp } = await enrolled(client, email);
    const challenge = await challengeOf(client.login({ email, password: PASSWORD }));
    expect(client.getState().status).toBe('unauthenticated');
    expect(values.has(REFRESH_TOKEN_KEY)).toBe(false);
    const user = await client.twoFactor.verify({ challenge, code: totp.generate({ timestamp: Date.now() + 30_000 }) });
    expect(user.email).toBe(email);
    expect(client.getState()).toMatchObject({ status: 'authenticated', user: { email } });
    expect(values.get(REFRESH_TOKEN_KEY)).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{64}$/);
    expect((await client.me()).email).toBe(email);
  });

  it('signs in with a recovery code once, renews the codes, and disables with the password', async () => {
    const { client } = nativeClient();
    const email = uniqueEmail('recovery');
    const { recoveryCodes } = await enrolled(client, email);
    await client.twoFactor.verify({ challenge: await challengeOf(client.login({ email, password: PASSWORD })), recoveryCode: recoveryCodes[0]! });
    expect(await client.twoFactor.status()).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 9 });
    await client.logout();
    const again = await client.twoFactor
      .verify({ challenge: await challengeOf(client.login({ email, password: PASSWORD })), recoveryCode: recoveryCodes[0]! })
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 'invalid_two_factor_code', status: 401 });
    await client.twoFactor.verify({ challenge: await challengeOf(client.login({ email, password: PASSWORD })), recoveryCode: recoveryCodes[1]! });

    // Nine left; a fresh set replaces them, and the old ones stop working.
    const renewed = await client.twoFactor.regenerateRecoveryCodes({ password: PASSWORD });
    expect(renewed.recoveryCodes).toHaveLength(10);
    expect(await client.twoFactor.status()).toEqual({ enabled: true, pending: false, recoveryCodesLeft: 10 });
    const wrong = await client.twoFactor.regenerateRecoveryCodes({ password: 'not the password at all' }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(client.getState().status).toBe('authenticated');
    await client.logout();
    const stale = await client.twoFactor
      .verify({ challenge: await challengeOf(client.login({ email, password: PASSWORD })), recoveryCode: recoveryCodes[2]! })
      .catch((e: unknown) => e);
    expect(stale).toMatchObject({ code: 'invalid_two_factor_code' });
    await client.twoFactor.verify({ challenge: await challengeOf(client.login({ email, password: PASSWORD })), recoveryCode: renewed.recoveryCodes[0]! });
    await client.twoFactor.disable({ password: PASSWORD });
    await client.logout();
    expect((await client.login({ email, password: PASSWORD })).email).toBe(email);
  });
});
