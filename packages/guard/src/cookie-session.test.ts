import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCookieSessions } from './cookie-session.js';
import { resolveCookieSessionOptions } from './cookie-session/options.js';
import { ACCESS_TTL_SECONDS, form, Jar, PAGE_APPS, PASSWORD, REFRESH_TTL_SECONDS, SECRET, sessionsFor, startAuthServer, type AuthServer, type PageApp } from '../test/cookie-session.js';

const HTML = { accept: 'text/html,application/xhtml+xml' };
const FORM = 'application/x-www-form-urlencoded';

let auth: AuthServer;
let counter = 0;

beforeAll(async () => {
  auth = await startAuthServer();
});
afterAll(async () => {
  await auth.close();
});

describe.each(Object.keys(PAGE_APPS))('cookie sessions on %s', (framework) => {
  let app: PageApp;
  let jar: Jar;
  let email: string;

  const get = (path: string, headers: Record<string, string> = HTML) =>
    fetch(`${app.url}${path}`, { headers: { ...headers, cookie: jar.header() }, redirect: 'manual' });
  const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, { method: 'POST', headers: { ...HTML, 'content-type': FORM, cookie: jar.header(), ...headers }, body: form(fields), redirect: 'manual' });
  const access = () => jar.cookies.get('tessera_access');
  const refresh = () => jar.cookies.get('tessera_page_refresh');

  async function logIn(): Promise<void> {
    const response = await post('/login', { email, password: PASSWORD });
    expect(response.status).toBe(302);
    jar.take(response);
  }

  async function csrfToken(): Promise<string> {
    const response = await get('/account');
    jar.take(response);
    return /<p id="csrf">([^<]+)<\/p>/.exec(await response.text())![1]!;
  }

  beforeEach(async () => {
    app = await PAGE_APPS[framework]!(sessionsFor(auth));
    jar = new Jar();
    email = `page${++counter}@example.test`;
    await auth.signup(email);
  });
  afterEach(async () => {
    await app.close();
  });

  it('logs in from a form and sets exactly two HttpOnly, SameSite=Lax, Path=/ cookies', async () => {
    const response = await post('/login', { email, password: PASSWORD });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/account');
    const lines = jar.take(response);
    expect(lines).toEqual([
      `tessera_access=${access()}; Max-Age=${ACCESS_TTL_SECONDS}; Path=/; HttpOnly; SameSite=Lax`,
      `tessera_page_refresh=${refresh()}; Max-Age=${REFRESH_TTL_SECONDS}; Path=/; HttpOnly; SameSite=Lax`,
    ]);
    expect(access()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const page = await get('/account');
    expect(page.status).toBe(200);
    expect(page.headers.getSetCookie()).toEqual([]);
    expect(await page.text()).toContain(`<p id="user">`);
  });

  it('records the browser\'s User-Agent and address on the session, not the app\'s', async () => {
    const response = await post('/login', { email, password: PASSWORD }, { 'user-agent': 'Browser/1.0 (cookie test)' });
    jar.take(response);
    const claims = auth.runtime.auth.verifyAccessToken(access()!);
    const sessions = await auth.runtime.auth.listSessions(claims);
    expect(sessions.filter((session) => session.current).map(({ userAgent, ip }) => ({ userAgent, ip }))).toEqual([
      { userAgent: 'Browser/1.0 (cookie test)', ip: '127.0.0.1' },
    ]);
  });

  it('refuses a wrong password with the auth server\'s own error and sets no cookie', async () => {
    const response = await post('/login', { email, password: 'wrong password here' });
    expect(response.status).toBe(401);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.text()).toContain('The email or password is incorrect.');
  });

  it('renews an expired access token inside the request and sets the rotated cookies', async () => {
    await logIn();
    const before = { access: access(), refresh: refresh(), refreshes: auth.refreshes.length };
    auth.clock.advance((ACCESS_TTL_SECONDS + 1) * 1000);
    const response = await get('/account');
    expect(response.status).toBe(200);
    const lines = jar.take(response);
    expect(lines).toEqual([
      `tessera_access=${access()}; Max-Age=${ACCESS_TTL_SECONDS}; Path=/; HttpOnly; SameSite=Lax`,
      `tessera_page_refresh=${refresh()}; Max-Age=${REFRESH_TTL_SECONDS}; Path=/; HttpOnly; SameSite=Lax`,
    ]);
    expect(access()).not.toBe(before.access);
    expect(refresh()).not.toBe(before.refresh);
    expect(auth.refreshes.slice(before.refreshes).map((event) => event.grace)).toEqual([false]);
  });

  it('renews a token close to expiry (within half its lifetime), and leaves a fresh one alone', async () => {
    await logIn();
    const first = access();
    auth.clock.advance(20_000);
    const fresh = await get('/account');
    expect(fresh.status).toBe(200);
    expect(fresh.headers.getSetCookie()).toEqual([]);
    auth.clock.advance(20_000); // 40 s of 60 gone: 20 s left, within the 30 s window
    const close = await get('/account');
    expect(close.status).toBe(200);
    expect(jar.take(close)).toHaveLength(2);
    expect(access()).not.toBe(first);
  });

  it('keeps a user who keeps browsing logged in over many access-token lifetimes', async () => {
    await logIn();
    const user = /<p id="user">([^<]+)</.exec(await (await get('/account')).text())![1];
    for (let step = 0; step < 12; step++) {
      auth.clock.advance((ACCESS_TTL_SECONDS + 30) * 1000);
      const response = await get('/account');
      jar.take(response);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(`<p id="user">${user}</p>`);
    }
  });

  it('shares one renewal among parallel requests with the same cookies: exactly one refresh on the server', async () => {
    await logIn();
    auth.clock.advance((ACCESS_TTL_SECONDS + 1) * 1000);
    const parallel = 6;
    const before = auth.refreshes.length;
    // Hold every request at the door until all six have arrived, so none can finish before the last starts.
    let arrived = 0;
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    const cookie = jar.header();
    const sessions = sessionsFor(auth, {
      fetch: async (url, init) => {
        await allArrived;
        return auth.fetch(url, init);
      },
    });
    await app.close();
    app = await PAGE_APPS[framework]!(sessions);
    app.onArrival = () => {
      if (++arrived === parallel) release();
    };
    const responses = await Promise.all(
      Array.from({ length: parallel }, () => fetch(`${app.url}/account`, { headers: { ...HTML, cookie }, redirect: 'manual' })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(parallel).fill(200));
    const cookies = responses.map((response) => response.headers.getSetCookie());
    for (const lines of cookies) expect(lines).toEqual(cookies[0]);
    expect(cookies[0]).toHaveLength(2);
    expect(auth.refreshes.slice(before).map((event) => event.grace)).toEqual([false]);
  });

  it('a tab that renews a moment later with the old cookie is answered by the grace window, not logged out', async () => {
    await logIn();
    const stale = jar.header();
    auth.clock.advance((ACCESS_TTL_SECONDS + 1) * 1000);
    const first = await get('/account');
    expect(first.status).toBe(200);
    const second = await fetch(`${app.url}/account`, { headers: { ...HTML, cookie: stale }, redirect: 'manual' });
    expect(second.status).toBe(200);
    expect(second.headers.getSetCookie()).toHaveLength(2);
  });

  it('sends a visitor idle past the refresh lifetime to the login page and clears the cookies', async () => {
    await logIn();
    auth.clock.advance((REFRESH_TTL_SECONDS + 1) * 1000);
    const response = await get('/account');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/login?next=%2Faccount');
    expect(response.headers.getSetCookie()).toEqual([
      'tessera_access=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'tessera_page_refresh=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    ]);
  });

  it('answers 401 in the contract\'s JSON to a script without a session', async () => {
    const response = await get('/account', { accept: 'application/json' });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await response.json()).toEqual({ error: 'invalid_token', message: 'This page needs a session; log in first.' });
  });

  it('refuses a revoked session at once, long before its access token expires', async () => {
    await logIn();
    const sid = JSON.parse(Buffer.from(access()!.split('.')[1]!, 'base64url').toString()) as { sid: string };
    expect((await get('/account')).status).toBe(200);
    expect(await auth.runtime.auth.revokeSession(sid.sid)).toBe(true);
    const response = await get('/account');
    expect(response.status).toBe(303);
    expect(response.headers.getSetCookie()).toEqual([
      'tessera_access=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'tessera_page_refresh=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    ]);
  });

  it('refuses a form post without the CSRF token: 403 csrf_failed, nothing changes', async () => {
    await logIn();
    const response = await post('/transfer', { amount: '5' }, { accept: '*/*' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({
      error: 'csrf_failed',
      message: "The form is missing its CSRF token or carries another session's; reload the page and try again.",
    });
    const html = await post('/transfer', { amount: '5', _csrf: 'not-the-token' });
    expect(html.status).toBe(403);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await html.text()).toContain('data-error="csrf_failed"');
    expect(app.changes).toEqual([]);
  });

  it('refuses a form post from another origin even with the right token, before renewing anything', async () => {
    await logIn();
    const token = await csrfToken();
    auth.clock.advance((ACCESS_TTL_SECONDS + 1) * 1000);
    const before = auth.refreshes.length;
    const response = await post('/transfer', { amount: '5', _csrf: token }, { origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.text()).toContain('This form was sent from another site.');
    expect(app.changes).toEqual([]);
    expect(auth.refreshes.length).toBe(before);
  });

  it('refuses a login form posted from another origin', async () => {
    const response = await post('/login', { email, password: PASSWORD }, { origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('refuses another session\'s CSRF token', async () => {
    await logIn();
    const mine = await csrfToken();
    const other = new Jar();
    const otherEmail = `other${++counter}@example.test`;
    await auth.signup(otherEmail);
    other.take(await fetch(`${app.url}/login`, { method: 'POST', headers: { 'content-type': FORM }, body: form({ email: otherEmail, password: PASSWORD }), redirect: 'manual' }));
    const response = await fetch(`${app.url}/transfer`, {
      method: 'POST',
      headers: { 'content-type': FORM, cookie: other.header() },
      body: form({ _csrf: mine }),
      redirect: 'manual',
    });
    expect(response.status).toBe(403);
    expect(app.changes).toEqual([]);
  });

  it('accepts a same-origin form post with the token (field or X-CSRF-Token header)', async () => {
    await logIn();
    const token = await csrfToken();
    const viaField = await post('/transfer', { amount: '5', _csrf: token }, { origin: app.url });
    expect(viaField.status).toBe(200);
    const viaHeader = await post('/transfer', { amount: '5' }, { 'x-csrf-token': token });
    expect(viaHeader.status).toBe(200);
    expect(app.changes).toHaveLength(2);
  });

  it('logs out with a POST form: the session is revoked at the server and both cookies are cleared', async () => {
    await logIn();
    const token = await csrfToken();
    const stolen = jar.header();
    const response = await post('/logout', { _csrf: token }, { origin: app.url });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login');
    expect(response.headers.getSetCookie()).toEqual([
      'tessera_access=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
      'tessera_page_refresh=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax',
    ]);
    // Cookies copied before the logout are dead too: the access token is refused and cannot be renewed.
    const replay = await fetch(`${app.url}/account`, { headers: { ...HTML, cookie: stolen }, redirect: 'manual' });
    expect(replay.status).toBe(303);
  });

  it('keeps the cookies and answers 503 when the auth server cannot be reached to renew', async () => {
    await logIn();
    await app.close();
    app = await PAGE_APPS[framework]!(
      sessionsFor(auth, {
        fetch: () => Promise.reject(new Error('connect ECONNREFUSED')),
      }),
    );
    auth.clock.advance((ACCESS_TTL_SECONDS + 1) * 1000);
    const response = await get('/account', { accept: 'application/json' });
    expect(response.status).toBe(503);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(await response.json()).toEqual({ error: 'unavailable', message: 'The auth server could not be reached; try again shortly.' });
  });

  it('with secure: true uses __Host- names and the Secure attribute, and reads only those', async () => {
    await app.close();
    app = await PAGE_APPS[framework]!(sessionsFor(auth, { secure: true, sameSite: 'Strict' }));
    const response = await post('/login', { email, password: PASSWORD });
    const lines = jar.take(response);
    const token = jar.cookies.get('__Host-tessera_access');
    expect(lines).toEqual([
      `__Host-tessera_access=${token}; Max-Age=${ACCESS_TTL_SECONDS}; Path=/; HttpOnly; Secure; SameSite=Strict`,
      `__Host-tessera_page_refresh=${jar.cookies.get('__Host-tessera_page_refresh')}; Max-Age=${REFRESH_TTL_SECONDS}; Path=/; HttpOnly; Secure; SameSite=Strict`,
    ]);
    expect((await get('/account')).status).toBe(200);
    // The same tokens under unprefixed names (as a plain-HTTP attacker could plant them) are not ours.
    const planted = await fetch(`${app.url}/account`, { headers: { ...HTML, cookie: `tessera_access=${token}` }, redirect: 'manual' });
    expect(planted.status).toBe(303);
  });
});

describe('createCookieSessions options', () => {
  const base = { authUrl: 'http://127.0.0.1:3000', verify: () => Promise.reject(new Error('unused')), secret: SECRET };

  it('refuses a missing or short secret, naming it', () => {
    expect(() => createCookieSessions({ ...base, secret: undefined as unknown as string })).toThrow(/"secret" is required/);
    expect(() => createCookieSessions({ ...base, secret: 'short' })).toThrow(/"secret" is not usable: TESSERA_SECRET is 5 bytes/);
  });

  it('refuses SameSite=None, a foreign login path and a malformed origin', () => {
    expect(() => createCookieSessions({ ...base, sameSite: 'None' as 'Lax' })).toThrow(/"sameSite" must be "Lax" or "Strict"/);
    expect(() => createCookieSessions({ ...base, loginPath: '//evil.example/login' })).toThrow(/"loginPath" must be a path on this site/);
    expect(() => createCookieSessions({ ...base, allowedOrigins: ['https://app.example.com/'] })).toThrow(/write the exact origin "https:\/\/app.example.com"/);
    expect(() => createCookieSessions({ ...base, authUrl: 'not a url' })).toThrow(/"authUrl" must be/);
  });
});

describe('cookie attributes in production', () => {
  it('are Secure whenever NODE_ENV=production, even with secure: false', () => {
    const options = { authUrl: 'http://127.0.0.1:3000', verify: () => Promise.reject(new Error('unused')), secret: SECRET, secure: false };
    expect(resolveCookieSessionOptions(options, { NODE_ENV: 'production' }).alwaysSecure).toBe(true);
    expect(resolveCookieSessionOptions(options, {}).alwaysSecure).toBe(false);
  });
});
