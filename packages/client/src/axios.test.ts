import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthEvent } from '@tessera/core';
import type { RunningServer } from '@tessera/server';
import { createFixedClock, type FixedClock } from '@tessera/testing';
import axios, { AxiosError } from 'axios';
import { afterAll, describe, it } from 'vitest';
import { AuthError } from './auth-error.js';
import { attachTessera } from './axios.js';
import { createAuthClient } from './create-auth-client.js';
import { browserLikeFetch, CookieJar, PASSWORD, startTestServer, uniqueEmail } from '../test/helpers.js';
import type { AuthClient } from './types.js';

// Real axios (its Node http adapter) against a real listening Tessera server. Each test has a server of its own
// whose clock the test moves: a token expires when the test says so, nobody sleeps. The clients' clocks stand
// still (leeway 0), so they never refresh on their own: only the server's 401 tells them.
const EXPIRE = 15 * 60_000 + 1_000;
const clients: AuthClient[] = [];
const closers: Array<() => Promise<void>> = [];

afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const close of closers.splice(0)) await close();
});

interface Setup {
  /** Runs before the client's refresh request leaves (the test may change the server meanwhile). */
  beforeRefresh?: (server: RunningServer) => Promise<void>;
  /** Runs when the refresh answer is back, before the client reads it. */
  afterRefresh?: (clock: FixedClock) => void;
  /** More origins the client sends its token to. */
  otherOrigins?: string[];
  /** 'native' (refresh token in the body) unless said otherwise; 'browser' uses the cookie jar and CSRF. */
  mode?: 'browser' | 'native';
}

async function setup(options: Setup = {}) {
  const clock = createFixedClock(Date.now());
  // The auth server's own record of what happened: one `refresh` event per refresh it granted.
  const events: AuthEvent[] = [];
  const server = await startTestServer({}, { now: clock.now, onEvent: (event) => events.push(event) });
  closers.push(() => server.close());
  const net = browserLikeFetch(new CookieJar(), async (request) => {
    if (request.path === '/auth/refresh') options.afterRefresh?.(clock);
  });
  const fetchWithHook: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/auth/refresh')) await options.beforeRefresh?.(server);
    return net.fetch(input, init);
  };
  const stopped = Date.now();
  const client = createAuthClient({
    baseUrl: server.url, mode: options.mode ?? 'native', crossTab: false, fetch: fetchWithHook, clock: () => stopped, refreshLeewaySeconds: 0,
    apiOrigins: [server.url, ...(options.otherOrigins ?? [])],
  });
  clients.push(client);
  const api = axios.create({ baseURL: server.url });
  // Every answer axios got, with the Authorization header its request carried. Registered before Tessera's
  // interceptor, so it sees each answer (the first try's and the retry's) before Tessera acts on it.
  const sent: Array<string | undefined> = [];
  api.interceptors.response.use((response) => {
    sent.push(String(response.config.headers.Authorization));
    return response;
  }, (error: unknown) => {
    if (error instanceof AxiosError) sent.push(String(error.config?.headers.Authorization));
    return Promise.reject(error);
  });
  const detach = attachTessera(api, client);
  const refreshesGranted = () => events.filter((event) => event.type === 'refresh');
  return { server, clock, client, net, api, sent, detach, refreshesGranted };
}

/** Waits, a bounded while, until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!done()) throw new Error('gave up waiting');
}

/**
 * Another API of the same user on its own origin: answers `/<status>/<code>` with that status and a contract
 * body; with `?held`, only once `release()` is called.
 */
async function startOtherApi() {
  const hits: Array<{ path: string; authorization: string | undefined }> = [];
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    hits.push({ path: url.pathname, authorization: request.headers.authorization });
    const [, status = '500', code = 'internal_error'] = url.pathname.split('/');
    const answer = () => {
      response.writeHead(Number(status), { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: code, message: `Answered ${status}.` }));
    };
    if (url.searchParams.has('held')) void released.then(answer);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  }));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, release };
}

const rejection = (promise: Promise<unknown>) => promise.then(() => { throw new Error('expected a rejection'); }, (error: unknown) => error);

describe.concurrent('@tessera/client/axios', () => {
  it('20 calls failing together with token_expired: the server grants one refresh, each call is replayed once', async ({ expect }) => {
    const { clock, client, net, api, sent, refreshesGranted } = await setup();
    await client.signup({ email: uniqueEmail('ax'), password: PASSWORD });
    const expired = client.getAccessToken();
    clock.advance(EXPIRE);
    const responses = await Promise.all(Array.from({ length: 20 }, () => api.get<{ number: number }>('/api/number')));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(responses.every((r) => r.data.number >= 1 && r.data.number <= 10)).toBe(true);
    expect(refreshesGranted()).toEqual([expect.objectContaining({ type: 'refresh', grace: false })]);
    expect(net.log.filter((r) => r.path === '/auth/refresh').map((r) => r.status)).toEqual([200]);
    const fresh = client.getAccessToken();
    expect(fresh).not.toBe(expired);
    expect(sent.filter((h) => h === `Bearer ${expired}`)).toHaveLength(20);
    expect(sent.filter((h) => h === `Bearer ${fresh}`)).toHaveLength(20);
    expect(sent).toHaveLength(40);
  });

  it('a refresh refused with invalid_grant rejects all 5 with that one AuthError, ends the session, retries nothing', async ({ expect }) => {
    const credentials = { email: uniqueEmail('ax'), password: PASSWORD };
    const { client, net, api, sent, clock, refreshesGranted } = await setup({
      // Meanwhile — after the five 401s, before the refresh reaches the server — the user logs out everywhere
      // from another device, so the server refuses this session's refresh token.
      beforeRefresh: async (server) => {
        await until(() => sent.length === 5);
        expect(await logoutEverywhere(server, credentials)).toBe(204);
      },
    });
    await client.signup(credentials);
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    const expired = client.getAccessToken();
    clock.advance(EXPIRE);

    const errors = await Promise.all(Array.from({ length: 5 }, () => rejection(api.get('/api/number'))));
    expect(errors[0]).toBeInstanceOf(AuthError);
    expect(errors[0]).toMatchObject({ code: 'invalid_grant', status: 401, message: 'The session has ended; log in again.' });
    expect(new Set(errors).size).toBe(1);
    expect(client.getState()).toEqual({ status: 'unauthenticated', user: null });
    expect(client.getAccessToken()).toBeNull();
    expect(logouts).toEqual([{ reason: 'session_ended', error: 'invalid_grant' }]);
    // One refresh asked for and refused; nothing replayed.
    expect(net.log.filter((r) => r.path === '/auth/refresh').map((r) => r.status)).toEqual([401]);
    expect(refreshesGranted()).toEqual([]);
    expect(sent).toEqual(Array(5).fill(`Bearer ${expired}`));

    // No loop afterwards: the next call goes out without a token and gets the server's plain 401.
    const after = (await rejection(api.get('/api/number'))) as AxiosError;
    expect(after.response?.status).toBe(401);
    expect(after.response?.data).toEqual({ error: 'invalid_token', message: 'This endpoint needs an access token in the Authorization header.' });
    expect(sent.at(-1)).toBe('undefined');
    expect(net.count('/auth/refresh')).toBe(1);
  });

  it('a token_expired that arrives after a refused refresh ended the session asks for no second refresh', async ({ expect }) => {
    const other = await startOtherApi();
    const credentials = { email: uniqueEmail('ax'), password: PASSWORD };
    // Browser mode: the refresh cookie would still be sent, so a second refresh would reach the server.
    const { client, net, api, clock } = await setup({
      mode: 'browser',
      otherOrigins: [other.url],
      beforeRefresh: async (server) => {
        expect(await logoutEverywhere(server, credentials)).toBe(204);
      },
    });
    await client.signup(credentials);
    clock.advance(EXPIRE);
    // A slow call to another API: its 401 token_expired comes back only after the session has ended.
    const late = rejection(api.get(`${other.url}/401/token_expired?held`));
    await until(() => other.hits.length === 1);
    expect(await rejection(api.get('/api/number'))).toMatchObject({ code: 'invalid_grant', status: 401 });
    expect(client.getState().status).toBe('unauthenticated');

    other.release();
    const error = await late;
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'invalid_grant', status: 401 });
    expect(net.log.filter((r) => r.path === '/auth/refresh').map((r) => r.status)).toEqual([401]);
    expect(other.hits).toHaveLength(1);
  });

  it('a retry that fails again rejects to the caller as it is, without a second refresh', async ({ expect }) => {
    // The fresh token is already expired when the retry arrives: the server's clock jumps once more.
    const { client, net, api, sent, clock, refreshesGranted } = await setup({ afterRefresh: (c) => c.advance(EXPIRE) });
    await client.signup({ email: uniqueEmail('ax'), password: PASSWORD });
    clock.advance(EXPIRE);
    const error = await rejection(api.get('/api/number'));
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).response?.status).toBe(401);
    expect((error as AxiosError).response?.data).toMatchObject({ error: 'token_expired' });
    expect(net.count('/auth/refresh')).toBe(1);
    expect(refreshesGranted()).toHaveLength(1);
    expect(sent).toHaveLength(2);
    expect(client.getState().status).toBe('authenticated');
  });

  it('403, 500 and 404 are not retried and refresh nothing; a 401 invalid_token ends the session without a retry', async ({ expect }) => {
    const other = await startOtherApi();
    const { client, net, api, sent, refreshesGranted } = await setup({ otherOrigins: [other.url] });
    await client.signup({ email: uniqueEmail('ax'), password: PASSWORD });
    const token = client.getAccessToken();

    for (const status of [403, 500]) {
      const error = (await rejection(api.get(`${other.url}/${status}/forbidden`))) as AxiosError;
      expect(error.response?.status).toBe(status);
      expect(other.hits.filter((hit) => hit.path === `/${status}/forbidden`)).toEqual([{ path: `/${status}/forbidden`, authorization: `Bearer ${token}` }]);
    }
    // Tessera's own 404: somebody else's (here: nobody's) session.
    const missing = (await rejection(api.delete('/auth/sessions/no-such-session'))) as AxiosError;
    expect(missing.response?.status).toBe(404);
    expect(missing.response?.data).toMatchObject({ error: 'not_found' });
    expect(sent).toEqual(Array(3).fill(`Bearer ${token}`));
    expect(client.getState().status).toBe('authenticated');

    const refused = (await rejection(api.get(`${other.url}/401/invalid_token`))) as AxiosError;
    expect(refused.response?.status).toBe(401);
    expect(other.hits.filter((hit) => hit.path === '/401/invalid_token')).toHaveLength(1);
    expect(sent).toHaveLength(4);
    expect(client.getState().status).toBe('unauthenticated');
    expect(net.count('/auth/refresh')).toBe(0);
    expect(refreshesGranted()).toEqual([]);
  });

  it('reads token_expired from any responseType: arraybuffer still refreshes once and retries', async ({ expect }) => {
    const { client, api, sent, clock, refreshesGranted } = await setup();
    await client.signup({ email: uniqueEmail('ax'), password: PASSWORD });
    clock.advance(EXPIRE);
    const response = await api.get<ArrayBuffer>('/api/number', { responseType: 'arraybuffer' });
    expect(response.status).toBe(200);
    const { number } = JSON.parse(new TextDecoder().decode(response.data)) as { number: number };
    expect(number >= 1 && number <= 10).toBe(true);
    expect(refreshesGranted()).toHaveLength(1);
    expect(sent).toHaveLength(2);
    expect(client.getState().status).toBe('authenticated');
  });

  it('a revoked session rejects once and leaves the client unauthenticated with a logout event', async ({ expect }) => {
    const { server, client, api, sent, net } = await setup();
    const credentials = { email: uniqueEmail('ax'), password: PASSWORD };
    await client.signup(credentials);
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    expect(await logoutEverywhere(server, credentials)).toBe(204);
    const error = (await rejection(api.get('/api/number'))) as AxiosError;
    expect(error.response?.status).toBe(401);
    expect(error.response?.data).toMatchObject({ error: 'invalid_token' });
    expect(sent).toHaveLength(1);
    expect(net.count('/auth/refresh')).toBe(0);
    expect(client.getState().status).toBe('unauthenticated');
    expect(logouts).toEqual([{ reason: 'session_ended', error: 'invalid_token' }]);
  });

  it('sends no token to other origins, keeps a caller\'s own Authorization, and detaches', async ({ expect }) => {
    const { server, client, api, sent, detach } = await setup();
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

/** Logs in on another device and revokes every session of the user. */
async function logoutEverywhere(server: RunningServer, credentials: { email: string; password: string }): Promise<number> {
  const login = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
  const { accessToken } = (await login.json()) as { accessToken: string };
  return (await fetch(`${server.url}/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } })).status;
}
