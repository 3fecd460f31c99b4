import type { RunningServer } from '@tessera/server';
import axios, { AxiosError } from 'axios';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { attachTessera } from './axios.js';
import { createAuthClient } from './create-auth-client.js';
import { browserLikeFetch, CookieJar, PASSWORD, startTestServer, uniqueEmail, waitUntilExpired, type LoggedRequest } from './server.testkit.js';
import type { AuthClient } from './types.js';

// Two-second access tokens and clients whose clock stands still (no proactive refresh), as in client.expiry.test.ts.
let server: RunningServer;
const clients: AuthClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ TESSERA_ACCESS_TTL: '2s' });
});
afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server.close();
});

function setup(beforeReturn?: (request: LoggedRequest, response: Response) => Promise<void>) {
  const net = browserLikeFetch(new CookieJar(), beforeReturn);
  const stopped = Date.now();
  const client = createAuthClient({ baseUrl: server.url, mode: 'native', fetch: net.fetch, clock: () => stopped, refreshLeewaySeconds: 0 });
  clients.push(client);
  const api = axios.create({ baseURL: server.url });
  // Every request axios sends, as the server saw its Authorization header.
  const sent: Array<string | undefined> = [];
  api.interceptors.response.use((response) => {
    sent.push(String(response.config.headers.Authorization));
    return response;
  }, (error: unknown) => {
    if (error instanceof AxiosError) sent.push(String(error.config?.headers.Authorization));
    return Promise.reject(error);
  });
  const detach = attachTessera(api, client);
  return { client, net, api, sent, detach };
}

describe.concurrent('@tessera/client/axios', () => {
  it('20 concurrent calls on an expired token: one refresh, every call retried once and successful', async ({ expect }) => {
    const { client, net, api, sent } = setup();
    await client.signup({ email: uniqueEmail('ax'), password: PASSWORD });
    const expired = client.getAccessToken();
    await waitUntilExpired(expired);
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.get<{ number: number }>('/api/number')));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(responses.every((r) => r.data.number >= 1 && r.data.number <= 10)).toBe(true);
    expect(net.count('/auth/refresh')).toBe(1);
    expect(sent.filter((h) => h === `Bearer ${expired}`)).toHaveLength(20);
    expect(sent.filter((h) => h === `Bearer ${client.getAccessToken()}`)).toHaveLength(20);
  });

  it('a retry that fails again rejects to the caller as it is, without a second refresh', async ({ expect }) => {
    const { client, net, api, sent } = setup(async (request, response) => {
      if (request.path === '/auth/refresh') await waitUntilExpired(((await response.clone().json()) as { accessToken: string }).accessToken);
    });
    await client.signup({ email: uniqueEmail('ax'), password: PASSWORD });
    await waitUntilExpired(client.getAccessToken());
    const error = await api.get('/api/number').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).response?.status).toBe(401);
    expect((error as AxiosError).response?.data).toMatchObject({ error: 'token_expired' });
    expect(net.count('/auth/refresh')).toBe(1);
    expect(sent).toHaveLength(2);
    expect(client.getState().status).toBe('authenticated');
  });

  it('a revoked session rejects once and leaves the client unauthenticated with a logout event', async ({ expect }) => {
    const { client, api, sent } = setup();
    const credentials = { email: uniqueEmail('ax'), password: PASSWORD };
    await client.signup(credentials);
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    expect(await logoutEverywhere(credentials)).toBe(204);
    const error = (await api.get('/api/number').catch((e: unknown) => e)) as AxiosError;
    expect(error.response?.status).toBe(401);
    expect(sent).toHaveLength(1);
    expect(client.getState().status).toBe('unauthenticated');
    expect(logouts).toEqual([{ reason: 'session_ended', error: 'invalid_token' }]);
  });

  it('sends no token to other origins, keeps a caller\'s own Authorization, and detaches', async ({ expect }) => {
    const { client, api, sent, detach } = setup();
    await client.signup({ email: uniqueEmail('ax'), password: PASSWORD });
    const token = client.getAccessToken();
    await api.get(`${server.url.replace('localhost', '127.0.0.1')}/healthz`);
    expect(sent.at(-1)).toBe('undefined');
    await api.get('/healthz', { headers: { Authorization: 'Basic abc' } });
    expect(sent.at(-1)).toBe('Basic abc');
    await api.get('/healthz');
    expect(sent.at(-1)).toBe(`Bearer ${token}`);
    detach();
    await api.get('/healthz');
    expect(sent.at(-1)).toBe('undefined');
  });
});

/** Logs in elsewhere and revokes every session of the user (again with a fresh login if the short-lived token aged out). */
async function logoutEverywhere(credentials: { email: string; password: string }): Promise<number> {
  let status = 0;
  for (let attempt = 0; attempt < 3 && status !== 204; attempt += 1) {
    const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    const { accessToken } = (await login.json()) as { accessToken: string };
    status = (await fetch(`${server.url}/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } })).status;
  }
  return status;
}
