import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from '@tessera/server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from './auth-error.js';
import { createAuthClient } from './create-auth-client.js';
import { decodeClaims } from './decode-claims.js';
import { browserLikeFetch, CookieJar, memorySessionStorage, PASSWORD, startTestServer, uniqueEmail } from '../test/helpers.js';
import type { AuthClient, AuthClientOptions, AuthState } from './types.js';

let server: RunningServer;
const clients: AuthClient[] = [];
let jar: CookieJar;
let session: ReturnType<typeof memorySessionStorage>;
let local: ReturnType<typeof memorySessionStorage>;
let cookieVisible = true;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  // One simulated browser per test: its cookie jar, what `document.cookie` shows, and the tab's sessionStorage.
  jar = new CookieJar();
  session = memorySessionStorage();
  local = memorySessionStorage();
  cookieVisible = true;
  vi.stubGlobal('document', { get cookie() { return cookieVisible ? jar.visible() : ''; } });
  vi.stubGlobal('sessionStorage', session);
  vi.stubGlobal('localStorage', local);
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  vi.unstubAllGlobals();
});

function browserClient(options: Partial<AuthClientOptions> = {}, cookies = jar) {
  const net = browserLikeFetch(cookies);
  const client = createAuthClient({ baseUrl: server.url, mode: 'browser', fetch: net.fetch, crossTab: false, ...options });
  clients.push(client);
  return { client, net };
}

describe('browser mode: login, reload, logout', () => {
  it('signs up into memory only, with credentials included and the CSRF token kept for a reload', async () => {
    const { client, net } = browserClient();
    const states: AuthState[] = [];
    client.subscribe((state) => states.push(state));
    const email = uniqueEmail('ann');
    const user = await client.signup({ email, password: PASSWORD, name: 'Ann' });
    expect(user).toMatchObject({ email, name: 'Ann' });
    expect(client.getState()).toEqual({ status: 'authenticated', user });
    expect(states).toEqual([{ status: 'authenticated', user }]);
    expect(client.getAccessToken()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(net.log[0]).toMatchObject({ method: 'POST', path: '/auth/signup', status: 201, credentials: 'include' });
    expect(JSON.parse(net.log[0]!.body!)).toEqual({ email, password: PASSWORD, name: 'Ann' });
    // The refresh token is an httpOnly cookie; the page keeps the CSRF token and nothing else.
    expect(jar.names().sort()).toEqual(['tessera_csrf', 'tessera_refresh']);
    expect([...session.values.keys()]).toEqual(['tessera.csrfToken']);
    expect([...session.values.values()].join()).not.toContain(client.getAccessToken()!);
  });

  it('restore() after a reload refreshes with the cookie and the CSRF token from document.cookie', async () => {
    const first = browserClient().client;
    const user = await first.login(await signedUp());
    first.destroy();
    session.values.clear();
    const { client, net } = browserClient();
    expect(client.getState()).toEqual({ status: 'unknown', user: null });
    await expect(client.restore()).resolves.toEqual({ status: 'authenticated', user });
    const refresh = net.log.find((r) => r.path === '/auth/refresh')!;
    expect(refresh).toMatchObject({ method: 'POST', status: 200, credentials: 'include' });
    expect(refresh.headers.get('x-csrf-token')).toBe(jar.visible().match(/tessera_csrf=([^;]+)/)![1]);
    expect(net.count('/auth/me')).toBe(1);
  });

  it('restore() works from sessionStorage when the CSRF cookie is not readable (API on another site)', async () => {
    cookieVisible = false;
    const user = await browserClient().client.login(await signedUp());
    const { client } = browserClient();
    await expect(client.restore()).resolves.toEqual({ status: 'authenticated', user });
  });

  it('restore() without a session resolves unauthenticated, without a logout event', async () => {
    const { client, net } = browserClient();
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    await expect(client.restore()).resolves.toEqual({ status: 'unauthenticated', user: null });
    expect(net.count('/auth/refresh')).toBe(1);
    expect(logouts).toEqual([]);
  });

  it('logout() revokes on the server, clears the cookies, the CSRF copy and the state', async () => {
    const { client, net } = browserClient();
    await client.login(await signedUp());
    const token = client.getAccessToken()!;
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    await client.logout();
    expect(net.log.at(-1)).toMatchObject({ path: '/auth/logout', status: 204 });
    expect(client.getState()).toEqual({ status: 'unauthenticated', user: null });
    expect(client.getAccessToken()).toBeNull();
    expect(logouts).toEqual([{ reason: 'user' }]);
    expect(jar.names()).toEqual([]);
    expect(session.values.size).toBe(0);
    const old = await fetch(`${server.url}/api/number`, { headers: { authorization: `Bearer ${token}` } });
    expect(old.status).toBe(401);
    await expect(browserClient().client.restore()).resolves.toMatchObject({ status: 'unauthenticated' });
  });
});

describe('browser mode: a logout the server did not get', () => {
  /** The same browser, with every /auth/logout failing as a dropped connection does. */
  function logoutUnreachable() {
    const net = browserLikeFetch(jar);
    const offline = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (String(input).endsWith('/auth/logout')) throw new TypeError('Failed to fetch');
      return net.fetch(input, init);
    }) as typeof fetch;
    const client = createAuthClient({ baseUrl: server.url, mode: 'browser', fetch: offline, crossTab: false });
    clients.push(client);
    return client;
  }

  it('is owed: logout() rejects, the device is logged out, and the next restore() sends it before anything else', async () => {
    const client = logoutUnreachable();
    await client.login(await signedUp());
    const cookie = jar.header('/auth/refresh');
    const csrf = jar.visible().match(/tessera_csrf=([^;]+)/)![1]!;
    await expect(client.logout()).rejects.toMatchObject({ code: 'network_error', status: 0 });
    expect(client.getState()).toEqual({ status: 'unauthenticated', user: null });
    // What the retry needs: the CSRF token (the httpOnly cookie is still in the jar). Never an access token.
    expect(JSON.parse(local.getItem('tessera.pendingLogout')!)).toEqual({ csrfToken: csrf });

    // Still unreachable on the next load: not signed back in, and no refresh is even tried.
    const still = logoutUnreachable();
    await expect(still.restore()).resolves.toEqual({ status: 'unauthenticated', user: null });
    expect(local.getItem('tessera.pendingLogout')).not.toBeNull();

    // Reachable again: the reload's first request is the logout; the session is gone on the server.
    const { client: reloaded, net } = browserClient();
    await expect(reloaded.restore()).resolves.toEqual({ status: 'unauthenticated', user: null });
    expect(net.log[0]).toMatchObject({ method: 'POST', path: '/auth/logout', status: 204 });
    expect(net.log[0]!.headers.get('x-csrf-token')).toBe(csrf);
    expect(net.log.filter((r) => r.path === '/auth/refresh' && r.status === 200)).toEqual([]);
    expect(local.getItem('tessera.pendingLogout')).toBeNull();
    const replay = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('is sent before a new login replaces the cookie it needs', async () => {
    const client = logoutUnreachable();
    const credentials = await signedUp();
    await client.login(credentials);
    const cookie = jar.header('/auth/refresh');
    const csrf = jar.visible().match(/tessera_csrf=([^;]+)/)![1]!;
    await expect(client.logout()).rejects.toMatchObject({ code: 'network_error' });
    const { client: next, net } = browserClient();
    await next.login(credentials);
    expect(net.log.map((r) => `${r.path} ${r.status}`)).toEqual(['/auth/logout 204', '/auth/login 200']);
    const replay = await fetch(`${server.url}/auth/refresh`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrf } });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('browser mode: errors', () => {
  it('turns the contract error body into an AuthError with code and status, never with a token', async () => {
    const { client } = browserClient();
    const credentials = await signedUp();
    const wrong = await client.login({ ...credentials, password: 'not the password' }).catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(AuthError);
    expect(wrong).toMatchObject({ code: 'invalid_credentials', status: 401 });
    await expect(client.signup(credentials)).rejects.toMatchObject({ code: 'email_taken', status: 409 });
    expect(client.getState().status).toBe('unknown');
    // Still unknown, so me() first tries a refresh (no cookie: the state settles), then asks without a token.
    await expect(client.me()).rejects.toMatchObject({ code: 'invalid_token', status: 401 });
    expect(client.getState().status).toBe('unauthenticated');
  });

  it('reports an unreachable server as network_error with status 0', async () => {
    const { client } = browserClient({ baseUrl: 'http://127.0.0.1:9' });
    const error = await client.login({ email: 'a@example.test', password: PASSWORD }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AuthError', code: 'network_error', status: 0 });
    await expect(client.restore()).rejects.toMatchObject({ code: 'network_error' });
    expect(client.getState().status).toBe('unknown');
  });

  it('checks its options once, at creation', () => {
    expect(() => createAuthClient({ baseUrl: 'localhost:3000' })).toThrow(TypeError);
    expect(() => createAuthClient({ baseUrl: '', refreshLeewaySeconds: -1, fetch })).toThrow(/refreshLeewaySeconds/);
  });
});

describe('browser mode: client.fetch and a session that dies', () => {
  it('a revoked session (logout-all elsewhere) ends in unauthenticated after one try, with one logout event', async () => {
    const { client, net } = browserClient();
    const credentials = await signedUp();
    await client.login(credentials);
    const other = browserClient({}, new CookieJar()).client;
    await other.login(credentials);
    await other.logoutAll();
    const logouts: unknown[] = [];
    client.on('logout', (detail) => logouts.push(detail));
    const response = await client.fetch('/api/number');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
    expect(client.getState()).toEqual({ status: 'unauthenticated', user: null });
    expect(logouts).toEqual([{ reason: 'session_ended', error: 'invalid_token' }]);
    expect(net.count('/api/number')).toBe(1);
    expect(net.count('/auth/refresh')).toBe(0);
    // No token any more: the next call goes out bare, and nothing is retried.
    expect((await client.fetch('/api/number')).status).toBe(401);
    expect(net.log.at(-1)!.headers.has('authorization')).toBe(false);
    expect(logouts).toHaveLength(1);
  });

  it('in the unknown state without a token, refreshes first (a reload without restore())', async () => {
    await browserClient().client.login(await signedUp());
    const { client, net } = browserClient();
    const response = await client.fetch(`${server.url}/api/number`);
    expect(response.status).toBe(200);
    expect(net.log.map((r) => r.path)).toEqual(['/auth/refresh', '/api/number']);
  });

  it('sends the token only to apiOrigins, and leaves a caller-supplied Authorization alone', async () => {
    const echo = await startEcho();
    try {
      const { client } = browserClient();
      await client.login(await signedUp());
      expect(await (await client.fetch(`${echo.url}/x`)).json()).toEqual({ authorization: null });
      const allowed = browserClient({ apiOrigins: [server.url, echo.url] }).client;
      await allowed.login(await signedUp());
      expect(await (await allowed.fetch(`${echo.url}/x`)).json()).toEqual({ authorization: `Bearer ${allowed.getAccessToken()}` });
      const own = await allowed.fetch(new Request(`${echo.url}/x`, { headers: { authorization: 'Basic abc' } }));
      expect(await own.json()).toEqual({ authorization: 'Basic abc' });
    } finally {
      await new Promise((resolve) => echo.server.close(resolve));
    }
  });

  it('sessions(), revokeSession() and changePassword() go through the same Bearer path', async () => {
    const { client } = browserClient();
    const credentials = await signedUp();
    await client.login(credentials);
    const other = browserClient({}, new CookieJar()).client;
    await other.login(credentials);
    const sessions = await client.sessions();
    // signedUp()'s own session, this client's and the other's.
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    await client.revokeSession(decodeClaims(other.getAccessToken()!)!.sid as string);
    expect((await other.fetch('/api/number')).status).toBe(401);
    expect(other.getState().status).toBe('unauthenticated');
    await expect(client.changePassword({ currentPassword: 'wrong password', newPassword: 'another good one' })).rejects.toMatchObject({ status: 400 });
    await client.changePassword({ currentPassword: PASSWORD, newPassword: 'another good one' });
    expect(client.getState().status).toBe('authenticated');
    await client.revokeSession(sessions.find((s) => s.current)!.id);
    expect(client.getState().status).toBe('unauthenticated');
  });
});

async function signedUp(): Promise<{ email: string; password: string }> {
  const credentials = { email: uniqueEmail(), password: PASSWORD };
  const response = await fetch(`${server.url}/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...credentials, transport: 'body' }) });
  expect(response.status).toBe(201);
  return credentials;
}

/** A plain HTTP server on another origin that echoes the Authorization header it got. */
async function startEcho(): Promise<{ server: Server; url: string }> {
  const echo = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ authorization: req.headers.authorization ?? null }));
  });
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  return { server: echo, url: `http://127.0.0.1:${(echo.address() as AddressInfo).port}` };
}
