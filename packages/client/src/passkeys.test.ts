import type { RunningServer } from '@tessera/server';
import { SoftAuthenticator } from '@tessera/server/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthError } from './auth-error.js';
import { createAuthClient } from './create-auth-client.js';
import { browserLikeFetch, CookieJar, PASSWORD, startTestServer, uniqueEmail } from '../test/helpers.js';
import type { AuthClient } from './types.js';

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

function browserClient(): AuthClient {
  const client = createAuthClient({ baseUrl: server.url, mode: 'browser', fetch: browserLikeFetch(new CookieJar()).fetch, crossTab: false });
  clients.push(client);
  return client;
}

type Options = Parameters<SoftAuthenticator['register']>[0];

describe('client.passkeys', () => {
  it('registers a passkey, lists it, signs in with it on a fresh client (usernameless and email-first), and removes it', async () => {
    const email = uniqueEmail();
    const authenticator = new SoftAuthenticator(server.url);
    const owner = browserClient();
    await owner.signup({ email, password: PASSWORD });
    const passkey = await owner.passkeys.register({ name: 'Phone', create: async (options: Options) => authenticator.register(options) });
    expect(passkey).toMatchObject({ name: 'Phone', lastUsedAt: null });
    expect((await owner.passkeys.list()).map((p) => p.id)).toEqual([passkey.id]);

    const usernameless = browserClient();
    const user = await usernameless.passkeys.signIn({ get: async (options: Options) => authenticator.authenticate(options) });
    expect(user.email).toBe(email);
    expect(usernameless.getState().status).toBe('authenticated');
    expect((await usernameless.me()).email).toBe(email);

    const emailFirst = browserClient();
    let offered: unknown;
    await emailFirst.passkeys.signIn({ email, get: async (options: Options & { allowCredentials?: unknown }) => ((offered = options.allowCredentials), authenticator.authenticate(options)) });
    expect(offered).toEqual([{ id: passkey.id, type: 'public-key', transports: ['internal'] }]);

    await owner.passkeys.remove(passkey.id);
    expect(await owner.passkeys.list()).toEqual([]);
    const refused = browserClient();
    const failure = await refused.passkeys.signIn({ get: async (options: Options) => authenticator.authenticate(options) }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthError);
    expect((failure as AuthError).code).toBe('passkey_rejected');
    expect(refused.getState().status).not.toBe('authenticated');
  });

  it('a browser that refuses the ceremony (the user cancelled) rejects with its error and nothing is stored', async () => {
    const client = browserClient();
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    const cancelled = new Error('The operation either timed out or was not allowed.');
    await expect(client.passkeys.register({ create: async () => Promise.reject(cancelled) })).rejects.toBe(cancelled);
    expect(await client.passkeys.list()).toEqual([]);
  });
});
