import type { RunningServer } from '@tessera/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { browserLikeFetch, CookieJar, memorySessionStorage, PASSWORD, startTestServer, uniqueEmail } from '../test/helpers.js';
import { decodeClaims } from './decode-claims.js';
import { parseTabMessage } from './tab-sync.js';
import type { AuthClient } from './types.js';

// Two "tabs" of one browser: two clients with crossTab in one process (Node's BroadcastChannel, no Web Locks,
// so the BroadcastChannel lock), sharing one cookie jar as tabs share the browser's cookies.
let server: RunningServer;
let jar: CookieJar;
const clients: AuthClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  jar = new CookieJar();
  vi.stubGlobal('document', { get cookie() { return jar.visible(); } });
  vi.stubGlobal('sessionStorage', memorySessionStorage());
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  vi.unstubAllGlobals();
});

function tab() {
  const net = browserLikeFetch(jar);
  const client = createAuthClient({ baseUrl: server.url, mode: 'browser', fetch: net.fetch, crossTab: true });
  clients.push(client);
  return { client, net };
}

describe('tabs of one browser', () => {
  it('share a login and a refreshed token through the channel, without requests of their own', async () => {
    const a = tab();
    const b = tab();
    const refreshes: unknown[] = [];
    b.client.on('refresh', (detail) => refreshes.push(detail));
    const user = await a.client.signup({ email: uniqueEmail(), password: PASSWORD });
    await vi.waitFor(() => expect(b.client.getState()).toEqual({ status: 'authenticated', user }));
    const token = await a.client.refresh();
    await vi.waitFor(() => expect(b.client.getAccessToken()).toBe(token));
    expect(refreshes).toEqual([
      { source: 'other_tab', expiresAt: expect.any(Number) },
      { source: 'other_tab', expiresAt: expect.any(Number) },
    ]);
    expect(b.net.log).toEqual([]);
    expect((await b.client.fetch('/api/number')).status).toBe(200);
  });

  it('refreshing in both tabs at once makes one request; the waiting tab takes the published token', async () => {
    const a = tab();
    const b = tab();
    await a.client.signup({ email: uniqueEmail(), password: PASSWORD });
    await vi.waitFor(() => expect(b.client.getState().status).toBe('authenticated'));
    const [fromA, fromB] = await Promise.all([a.client.refresh(), b.client.refresh()]);
    expect(fromA).toBe(fromB);
    expect(a.net.count('/auth/refresh') + b.net.count('/auth/refresh')).toBe(1);
  });

  it("another tab's refresh of the same session, arriving while this tab's own refresh is out, does not drop its answer", async () => {
    let held: (() => void) | null = null;
    let stale = '';
    const net = browserLikeFetch(jar, async (request) => {
      if (request.path !== '/auth/refresh' || held !== null) return;
      // This tab's refresh has its answer (the cookie rotated); before it is read, another tab's token of the same
      // session arrives — a grace answer to the cookie just replaced, as a tab racing this one would get.
      const other = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { cookie: stale, 'x-csrf-token': request.headers.get('x-csrf-token')! } });
      expect(other.status).toBe(200);
      const { accessToken } = (await other.json()) as { accessToken: string };
      const channel = new BroadcastChannel('tessera-auth');
      channel.postMessage({ tessera: 'auth', type: 'token', accessToken, csrfToken: null, user: null });
      channel.close();
      await vi.waitFor(() => expect(client.getAccessToken()).toBe(accessToken));
      await new Promise<void>((resolve) => (held = resolve));
    });
    const client = createAuthClient({ baseUrl: server.url, mode: 'browser', fetch: net.fetch, crossTab: true });
    clients.push(client);
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    stale = jar.header('/auth/refresh');
    const refreshed = client.refresh();
    await vi.waitFor(() => expect(held).not.toBeNull());
    held!();
    const token = await refreshed;
    expect(decodeClaims(token)?.sid).toBe(decodeClaims(client.getAccessToken()!)?.sid);
    expect(client.getAccessToken()).toBe(token);
    expect((await client.fetch('/api/number')).status).toBe(200);
  });

  it('restoring in two fresh tabs at once makes one refresh (after a reload of both)', async () => {
    await tab().client.signup({ email: uniqueEmail(), password: PASSWORD });
    for (const client of clients.splice(0)) client.destroy();
    const a = tab();
    const b = tab();
    const [stateA, stateB] = await Promise.all([a.client.restore(), b.client.restore()]);
    expect(stateA.status).toBe('authenticated');
    expect(stateB).toEqual(stateA);
    expect(a.net.count('/auth/refresh') + b.net.count('/auth/refresh')).toBe(1);
  });

  it('a logout in one tab logs out the other, which does not call the server', async () => {
    const a = tab();
    const b = tab();
    await a.client.signup({ email: uniqueEmail(), password: PASSWORD });
    await vi.waitFor(() => expect(b.client.getState().status).toBe('authenticated'));
    const logouts: unknown[] = [];
    b.client.on('logout', (detail) => logouts.push(detail));
    await a.client.logout();
    await vi.waitFor(() => expect(b.client.getState()).toEqual({ status: 'unauthenticated', user: null }));
    expect(b.client.getAccessToken()).toBeNull();
    expect(logouts).toEqual([{ reason: 'other_tab' }]);
    expect(b.net.log).toEqual([]);
    expect(a.net.count('/auth/logout')).toBe(1);
  });

  it('a session revoked elsewhere: the tab that finds out tells the others why', async () => {
    const a = tab();
    const b = tab();
    const credentials = { email: uniqueEmail(), password: PASSWORD };
    await a.client.signup(credentials);
    await vi.waitFor(() => expect(b.client.getState().status).toBe('authenticated'));
    const logouts: unknown[] = [];
    a.client.on('logout', (detail) => logouts.push(['a', detail]));
    b.client.on('logout', (detail) => logouts.push(['b', detail]));
    // Another device logs out everywhere.
    const device = await fetch(`${server.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...credentials, transport: 'body' }) });
    const { accessToken } = (await device.json()) as { accessToken: string };
    expect((await fetch(`${server.url}/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } })).status).toBe(204);

    expect((await a.client.fetch('/api/number')).status).toBe(401);
    await vi.waitFor(() => expect(b.client.getState().status).toBe('unauthenticated'));
    expect(logouts).toEqual([
      ['a', { reason: 'session_ended', error: 'invalid_token' }],
      ['b', { reason: 'other_tab', error: 'invalid_token' }],
    ]);
    expect(b.net.log).toEqual([]);
  });

  it('ignores channel messages of the wrong shape', () => {
    expect(parseTabMessage({ tessera: 'auth', type: 'logout', error: 'invalid_grant' })).toEqual({ type: 'logout', error: 'invalid_grant' });
    expect(parseTabMessage({ tessera: 'auth', type: 'logout', error: 7 })).toEqual({ type: 'logout' });
    expect(parseTabMessage({ tessera: 'auth', type: 'token' })).toBeNull();
    expect(parseTabMessage({ type: 'logout' })).toBeNull();
    expect(parseTabMessage('logout')).toBeNull();
    expect(parseTabMessage({ tessera: 'auth', type: 'logout' })).toEqual({ type: 'logout' });
  });
});
