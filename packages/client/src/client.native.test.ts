import type { RunningServer } from '@tessera/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { REFRESH_TOKEN_KEY } from './credentials.js';
import { asyncStorage, browserLikeFetch, CookieJar, PASSWORD, startTestServer, uniqueEmail } from '../test/helpers.js';
import type { AuthClient, TokenStorage } from './types.js';

let server: RunningServer;
const clients: AuthClient[] = [];

// Grace 0s: a rotated refresh token presented again is reuse at once, so theft detection is observable.
beforeAll(async () => {
  server = await startTestServer({ TESSERA_REFRESH_GRACE: '0s' });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/**
 * The storage of an app that gets killed: after `kill()`, the next write never completes, as when the process
 * dies while the rotated refresh token is being written. `lost` is the value that never landed.
 */
function killableStorage() {
  const values = new Map<string, string>();
  let killed = false;
  let landed: (value: string) => void = () => {};
  const lost = new Promise<string>((resolve) => (landed = resolve));
  const storage: TokenStorage = {
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => {
      if (!killed) return void values.set(key, value);
      landed(value);
      return new Promise<void>(() => {});
    },
    remove: async (key) => void values.delete(key),
  };
  /** What the restarted app finds: the same stored values, writes working again. */
  const afterRestart: TokenStorage & { values: Map<string, string> } = {
    values,
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    remove: async (key) => void values.delete(key),
  };
  return { storage, afterRestart, kill: () => (killed = true), lost };
}

/** Signs up, then "kills the app" in the middle of a refresh the server has already answered (and rotated). */
async function killedMidRefresh(url: string) {
  const app = killableStorage();
  const first = nativeClient(app.storage, url).client;
  const user = await first.signup({ email: uniqueEmail('killed'), password: PASSWORD });
  const old = await app.afterRestart.get(REFRESH_TOKEN_KEY);
  app.kill();
  void first.refresh();
  const successor = await app.lost;
  expect(successor).not.toBe(old);
  expect(app.afterRestart.values.get(REFRESH_TOKEN_KEY)).toBe(old);
  return { user, storage: app.afterRestart, successor };
}

function nativeClient(storage: TokenStorage, baseUrl = server.url) {
  const jar = new CookieJar();
  const net = browserLikeFetch(jar);
  const client = createAuthClient({ baseUrl, mode: 'native', fetch: net.fetch, storage });
  clients.push(client);
  return { client, net, jar };
}

describe('native mode', () => {
  it('logs in with transport "body": the refresh token goes to storage and no cookie is involved', async () => {
    const storage = asyncStorage();
    const { client, net, jar } = nativeClient(storage);
    const email = uniqueEmail('nat');
    await client.signup({ email, password: PASSWORD });
    expect(JSON.parse(net.log[0]!.body!)).toEqual({ email, password: PASSWORD, transport: 'body' });
    expect(net.log[0]!.credentials).toBe('omit');
    expect(storage.values.get(REFRESH_TOKEN_KEY)).toMatch(/\S{40,}/);
    expect(jar.names()).toEqual([]);
    expect(client.getState().status).toBe('authenticated');
  });

  it('refresh() sends {refreshToken}, stores the rotated one and resolves the new access token', async () => {
    const storage = asyncStorage();
    const { client, net } = nativeClient(storage);
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    const before = storage.values.get(REFRESH_TOKEN_KEY)!;
    const events: unknown[] = [];
    client.on('refresh', (detail) => events.push(detail));
    const token = await client.refresh();
    expect(JSON.parse(net.log.at(-1)!.body!)).toEqual({ refreshToken: before });
    expect(token).toBe(client.getAccessToken());
    const after = storage.values.get(REFRESH_TOKEN_KEY)!;
    expect(after).not.toBe(before);
    expect(events).toEqual([{ source: 'network', expiresAt: expect.any(Number) }]);
    // The stored token is the live one: a second refresh works with it.
    await client.refresh();
    expect(JSON.parse(net.log.at(-1)!.body!)).toEqual({ refreshToken: after });
    expect((await client.fetch('/api/number')).status).toBe(200);
  });

  it('concurrent refresh() calls share one request (single flight)', async () => {
    const { client, net } = nativeClient(asyncStorage());
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    const tokens = await Promise.all(Array.from({ length: 10 }, () => client.refresh()));
    expect(new Set(tokens).size).toBe(1);
    expect(net.count('/auth/refresh')).toBe(1);
  });

  it('restore() in a new client with the same storage is authenticated (an app restart)', async () => {
    const storage = asyncStorage();
    const user = await nativeClient(storage).client.signup({ email: uniqueEmail(), password: PASSWORD });
    const { client } = nativeClient(storage);
    await expect(client.restore()).resolves.toEqual({ status: 'authenticated', user });
  });

  it('restore() without a stored token is unauthenticated without asking the server', async () => {
    const { client, net } = nativeClient(asyncStorage());
    await expect(client.restore()).resolves.toEqual({ status: 'unauthenticated', user: null });
    expect(net.log).toEqual([]);
  });

  it('a reused refresh token kills the session: the next refresh is invalid_grant → unauthenticated, storage cleared', async () => {
    const storage = asyncStorage();
    const { client } = nativeClient(storage);
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    const stolen = storage.values.get(REFRESH_TOKEN_KEY)!;
    await client.refresh();
    // The thief presents the superseded token: reuse, so the server revokes the whole session.
    const thief = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: stolen }) });
    expect(thief.status).toBe(401);
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    await expect(client.refresh()).rejects.toMatchObject({ code: 'invalid_grant', status: 401 });
    expect(client.getState().status).toBe('unauthenticated');
    expect(storage.values.has(REFRESH_TOKEN_KEY)).toBe(false);
    expect(logouts).toEqual([{ reason: 'session_ended', error: 'invalid_grant' }]);
  });

  it('logout() revokes with the stored refresh token and removes it', async () => {
    const storage = asyncStorage();
    const { client, net } = nativeClient(storage);
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    const refreshToken = storage.values.get(REFRESH_TOKEN_KEY)!;
    await client.logout();
    expect(net.log.at(-1)).toMatchObject({ path: '/auth/logout', status: 204 });
    expect(JSON.parse(net.log.at(-1)!.body!)).toEqual({ refreshToken });
    expect(storage.values.size).toBe(0);
    const reuse = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('a refresh that cannot reach the server keeps the session, rejects with network_error and emits error', async () => {
    const gone = await startTestServer();
    const storage = asyncStorage();
    const client = createAuthClient({ baseUrl: gone.url, mode: 'native', storage });
    clients.push(client);
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    await gone.close();
    const errors: unknown[] = [];
    client.on('error', (detail) => errors.push(detail));
    await expect(client.refresh()).rejects.toMatchObject({ code: 'network_error', status: 0 });
    expect(errors).toEqual([expect.objectContaining({ code: 'network_error' })]);
    expect(client.getState().status).toBe('authenticated');
    expect(storage.values.has(REFRESH_TOKEN_KEY)).toBe(true);
    expect(() => client.on('nope' as 'error', () => {})).toThrow(TypeError);
  });

  it('killed mid-refresh, restarted within the grace window: the old token gets the same successor and the app stays logged in', async () => {
    const graceful = await startTestServer({ TESSERA_REFRESH_GRACE: '10s' });
    try {
      const { user, storage, successor } = await killedMidRefresh(graceful.url);
      const { client } = nativeClient(storage, graceful.url);
      await expect(client.restore()).resolves.toEqual({ status: 'authenticated', user });
      // The successor the killed app never stored, not a fork: the session still has one lineage.
      expect(storage.values.get(REFRESH_TOKEN_KEY)).toBe(successor);
      await client.refresh();
      expect(storage.values.get(REFRESH_TOKEN_KEY)).not.toBe(successor);
      expect((await client.fetch('/api/number')).status).toBe(200);
    } finally {
      await graceful.close();
    }
  });

  it('killed mid-refresh, restarted after the grace window: the old token is reuse, the session ends and storage is cleared', async () => {
    // This file's server has a 0s window, so the restart is always after it.
    const { storage, successor } = await killedMidRefresh(server.url);
    const { client } = nativeClient(storage);
    await expect(client.restore()).resolves.toEqual({ status: 'unauthenticated', user: null });
    expect(storage.values.has(REFRESH_TOKEN_KEY)).toBe(false);
    // The whole session is revoked, so the successor that was in flight is dead too.
    const late = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: successor }) });
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('an app started offline: restore() rejects with network_error, stays unknown and keeps the stored token', async () => {
    const gone = await startTestServer();
    const storage = asyncStorage();
    await nativeClient(storage, gone.url).client.signup({ email: uniqueEmail('offline'), password: PASSWORD });
    const stored = storage.values.get(REFRESH_TOKEN_KEY);
    await gone.close();
    const { client } = nativeClient(storage, gone.url);
    await expect(client.restore()).rejects.toMatchObject({ code: 'network_error', status: 0 });
    expect(client.getState()).toEqual({ status: 'unknown', user: null });
    expect(storage.values.get(REFRESH_TOKEN_KEY)).toBe(stored);
  });

  it('defaults to in-memory storage and to native mode when there is no document', async () => {
    const net = browserLikeFetch(new CookieJar());
    const client = createAuthClient({ baseUrl: `${server.url}/`, fetch: net.fetch });
    clients.push(client);
    await client.signup({ email: uniqueEmail(), password: PASSWORD });
    expect(JSON.parse(net.log[0]!.body!)).toMatchObject({ transport: 'body' });
    await client.refresh();
    expect(net.log.at(-1)!.status).toBe(200);
  });
});
