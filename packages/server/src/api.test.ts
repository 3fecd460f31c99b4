import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cookieHeader, cookieJar, createTestApp, json, ORIGIN, PASSWORD, signupWithCookie } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  t = await createTestApp({ TESSERA_CORS_ORIGINS: 'http://app.example.test:5173' });
});
afterEach(async () => t.close());

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('signup and login', () => {
  it('signs up: 201 with the contract body, a hardened refresh cookie and a readable CSRF cookie', async () => {
    const { response, body } = await signupWithCookie(t.request);
    expect(response.status).toBe(201);
    expect(body).toMatchObject({ user: { email: 'ann@example.test', name: 'Ann' }, tokenType: 'Bearer', expiresIn: 900 });
    expect(Object.keys((body as { user: object }).user).sort()).toEqual(['createdAt', 'email', 'id', 'name']);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const cookies = response.headers.getSetCookie();
    const refresh = cookies.find((c) => c.startsWith('tessera_refresh='))!;
    expect(refresh).toMatch(/HttpOnly/);
    expect(refresh).toMatch(/SameSite=Strict/);
    expect(refresh).toMatch(/Path=\/auth(;|$)/);
    expect(refresh).not.toMatch(/Secure/);
    expect(Number(/Max-Age=(\d+)/.exec(refresh)![1])).toBeLessThanOrEqual(14 * 86400);
    const csrf = cookies.find((c) => c.startsWith('tessera_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toContain(`tessera_csrf=${body.csrfToken}`);
    expect(JSON.stringify(body)).not.toMatch(/argon2|passwordHash/);
  });

  it('uses the __Secure- cookie with Secure over HTTPS', async () => {
    const response = await t.app.request('https://auth.example.test/auth/signup', json({ email: 'ann@example.test', password: PASSWORD }));
    const refresh = response.headers.getSetCookie().find((c) => c.includes('tessera_refresh='))!;
    expect(refresh.startsWith('__Secure-tessera_refresh=')).toBe(true);
    expect(refresh).toMatch(/Secure/);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('returns the refresh token in the body and sets no cookie for transport "body"', async () => {
    const response = await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }));
    const body = (await response.json()) as { refreshToken: string };
    expect(body.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{64}$/);
    expect(response.headers.getSetCookie()).toEqual([]);
    const refreshed = await t.request('/auth/refresh', json({ refreshToken: body.refreshToken }));
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as { refreshToken: string; accessToken: string; refreshExpiresIn: number };
    expect(next.refreshToken).not.toBe(body.refreshToken);
    expect(refreshed.headers.getSetCookie()).toEqual([]);
    // The session's remaining idle lifetime (TESSERA_REFRESH_TTL, 14 days by default), for a caller's own cookie.
    expect(next.refreshExpiresIn).toBe(14 * 86_400);
  });

  it('answers 409 for a taken email and the same 401 for an unknown email and a wrong password', async () => {
    await signupWithCookie(t.request);
    expect((await t.request('/auth/signup', json({ email: 'ANN@example.test', password: PASSWORD }))).status).toBe(409);
    const unknown = await t.request('/auth/login', json({ email: 'nobody@example.test', password: PASSWORD }));
    const wrong = await t.request('/auth/login', json({ email: 'ann@example.test', password: 'not the password' }));
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toBe(await wrong.text());
    const ok = await t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD }));
    expect(ok.status).toBe(200);
  });
});

describe('refresh and CSRF', () => {
  it('refreshes with the cookie and the CSRF header, rotating the cookie', async () => {
    const { body, jar } = await signupWithCookie(t.request);
    const response = await t.request('/auth/refresh', { method: 'POST', headers: { cookie: cookieHeader(jar), 'x-csrf-token': body.csrfToken, origin: ORIGIN } });
    expect(response.status).toBe(200);
    const next = (await response.json()) as { accessToken: string; csrfToken: string; refreshToken?: string };
    expect(next.csrfToken).toBe(body.csrfToken);
    expect(next.refreshToken).toBeUndefined();
    expect(cookieJar(response).tessera_refresh).not.toBe(jar.tessera_refresh);
  });

  it('refuses a cookie refresh without the CSRF header, with a wrong one, or from a foreign origin — and changes nothing', async () => {
    const { body, jar } = await signupWithCookie(t.request);
    const cookie = cookieHeader(jar);
    const attempts: Record<string, string>[] = [
      { cookie },
      { cookie, 'x-csrf-token': 'A'.repeat(43) },
      { cookie, 'x-csrf-token': body.csrfToken, origin: 'https://evil.example' },
    ];
    for (const headers of attempts) {
      const response = await t.request('/auth/refresh', { method: 'POST', headers });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ error: 'csrf_failed' });
    }
    const listed = await t.request('/auth/refresh', { method: 'POST', headers: { cookie, 'x-csrf-token': body.csrfToken, origin: 'http://app.example.test:5173' } });
    expect(listed.status).toBe(200);
  });

  it('refuses a form post (any non-JSON content type)', async () => {
    const { body, jar } = await signupWithCookie(t.request);
    const response = await t.request('/auth/refresh', {
      method: 'POST',
      headers: { cookie: cookieHeader(jar), 'x-csrf-token': body.csrfToken, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'a=b',
    });
    expect(response.status).toBe(415);
  });

  it('answers invalid_grant and clears the cookie when the refresh token was reused', async () => {
    const { body, jar } = await signupWithCookie(t.request);
    const headers = { cookie: cookieHeader(jar), 'x-csrf-token': body.csrfToken };
    expect((await t.request('/auth/refresh', { method: 'POST', headers })).status).toBe(200);
    t.clock.advance(11_000);
    const reuse = await t.request('/auth/refresh', { method: 'POST', headers });
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
    expect(reuse.headers.getSetCookie().some((c) => c.startsWith('tessera_refresh=;') && c.includes('Path=/auth'))).toBe(true);
    expect((await t.request('/auth/me', bearer(body.accessToken))).status).toBe(401);
  });

  it('answers a native client racing with three generations of its token: 200 and the current token for all', async () => {
    const signup = await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }));
    const held = [((await signup.json()) as { refreshToken: string }).refreshToken];
    for (let i = 0; i < 3; i += 1) {
      const next = await t.request('/auth/refresh', json({ refreshToken: held[i] }));
      held.push(((await next.json()) as { refreshToken: string }).refreshToken);
      t.clock.advance(2_000);
    }
    const current = held.pop()!;
    const responses = await Promise.all(Array.from({ length: 9 }, (_, i) => t.request('/auth/refresh', json({ refreshToken: held[i % 3] }))));
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.headers.getSetCookie()).toEqual([]);
      const body = (await response.json()) as { refreshToken: string; accessToken: string };
      expect(body.refreshToken).toBe(current);
      expect((await t.request('/auth/me', bearer(body.accessToken))).status).toBe(200);
    }
    expect((await t.request('/auth/refresh', json({ refreshToken: current }))).status).toBe(200);
  });

  it('answers invalid_grant when there is no refresh token at all', async () => {
    const response = await t.request('/auth/refresh', { method: 'POST' });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('bearer routes', () => {
  it('serves /auth/me, /api/user and /api/number to a valid token', async () => {
    const { body } = await signupWithCookie(t.request);
    const me = await t.request('/auth/me', bearer(body.accessToken));
    expect(await me.json()).toMatchObject({ user: { email: 'ann@example.test', name: 'Ann' } });
    const user = await t.request('/api/user', bearer(body.accessToken));
    expect(await user.json()).toEqual({ id: body.user.id, email: 'ann@example.test', name: 'Ann' });
    for (let i = 0; i < 20; i += 1) {
      const { number } = (await (await t.request('/api/number', bearer(body.accessToken))).json()) as { number: number };
      expect(Number.isInteger(number) && number >= 1 && number <= 10).toBe(true);
    }
  });

  it('challenges per RFC 6750: no error attribute without a token, invalid_token with a bad one', async () => {
    const none = await t.request('/api/number');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    const basic = await t.request('/api/number', { headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    const bad = await t.request('/api/number', bearer('a.b.c'));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token", error_description="/);
    expect(await bad.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('accepts a token after several spaces, as RFC 6750 §2.1 allows ("Bearer" 1*SP b64token)', async () => {
    const { body } = await signupWithCookie(t.request);
    const response = await t.request('/api/user', { headers: { authorization: `Bearer   ${body.accessToken}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ email: 'ann@example.test' });
  });

  it('answers malformed Authorization headers with a 4xx, never a 5xx', async () => {
    for (const authorization of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a.b.c, Bearer d.e.f', `Bearer ${'a'.repeat(9000)}`]) {
      const response = await t.request('/api/number', { headers: { authorization } });
      expect(response.status, authorization.slice(0, 30)).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await response.json()).toHaveProperty('error');
    }
  });

  it('challenges a valid token whose account was deleted: 401 with WWW-Authenticate on /auth/me and /api/user', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tessera-gone-')), 'tessera.db');
    const own = await createTestApp({ TESSERA_DATABASE_URL: `sqlite:${file}` });
    try {
      const { body } = await signupWithCookie(own.request);
      const db = new Database(file);
      db.prepare('DELETE FROM tessera_users WHERE id = ?').run(body.user.id);
      db.close();
      for (const route of ['/auth/me', '/api/user']) {
        const response = await own.request(route, bearer(body.accessToken));
        expect(response.status, route).toBe(401);
        expect(response.headers.get('www-authenticate'), route).toBe(
          'Bearer realm="tessera", error="invalid_token", error_description="The account of this token no longer exists."',
        );
        expect(await response.json()).toEqual({ error: 'invalid_token', message: 'The account of this token no longer exists.' });
      }
    } finally {
      await own.close();
    }
  });

  it('says token_expired for a token whose only fault is age', async () => {
    const { body } = await signupWithCookie(t.request);
    t.clock.advance(15 * 60_000 + 6_000);
    const response = await t.request('/api/number', bearer(body.accessToken));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'token_expired' });
    expect(response.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });
});

describe('logout, sessions, password', () => {
  it('logs out with the cookie: 204, cookies cleared with the same path, access token refused at once', async () => {
    const { body, jar } = await signupWithCookie(t.request);
    const response = await t.request('/auth/logout', { method: 'POST', headers: { cookie: cookieHeader(jar), 'x-csrf-token': body.csrfToken } });
    expect(response.status).toBe(204);
    const cleared = response.headers.getSetCookie();
    expect(cleared.some((c) => /^tessera_refresh=;.*Max-Age=0.*Path=\/auth/.test(c))).toBe(true);
    expect((await t.request('/api/number', bearer(body.accessToken))).status).toBe(401);
  });

  it('logs out with a Bearer token alone, and is a 204 no-op without any credential', async () => {
    const { body } = await signupWithCookie(t.request);
    expect((await t.request('/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await t.request('/api/number', bearer(body.accessToken))).status).toBe(200);
    expect((await t.request('/auth/logout', { method: 'POST', ...bearer(body.accessToken) })).status).toBe(204);
    expect((await t.request('/api/number', bearer(body.accessToken))).status).toBe(401);
  });

  it('lists sessions, deletes only the caller\'s own, and logout-all ends them all', async () => {
    const ann = await signupWithCookie(t.request);
    const bob = await signupWithCookie(t.request, 'bob@example.test');
    const second = (await (await t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD }))).json()) as { accessToken: string };
    const list = (await (await t.request('/auth/sessions', bearer(ann.body.accessToken))).json()) as { sessions: { id: string; current: boolean }[] };
    expect(list.sessions).toHaveLength(2);
    expect(list.sessions.filter((s) => s.current)).toHaveLength(1);
    const bobSid = JSON.parse(Buffer.from(bob.body.accessToken.split('.')[1]!, 'base64url').toString()).sid as string;
    expect((await t.request(`/auth/sessions/${bobSid}`, { method: 'DELETE', ...bearer(ann.body.accessToken) })).status).toBe(404);
    const other = list.sessions.find((s) => !s.current)!;
    expect((await t.request(`/auth/sessions/${other.id}`, { method: 'DELETE', ...bearer(ann.body.accessToken) })).status).toBe(204);
    expect((await t.request('/api/number', bearer(second.accessToken))).status).toBe(401);
    expect((await t.request('/auth/logout-all', { method: 'POST', ...bearer(ann.body.accessToken) })).status).toBe(204);
    expect((await t.request('/api/number', bearer(ann.body.accessToken))).status).toBe(401);
    expect((await t.request('/api/number', bearer(bob.body.accessToken))).status).toBe(200);
  });

  it('changes the password and revokes the other sessions', async () => {
    const ann = await signupWithCookie(t.request);
    const other = (await (await t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD }))).json()) as { accessToken: string };
    const change = await t.request('/auth/password', json({ currentPassword: PASSWORD, newPassword: 'brand new password' }, { authorization: `Bearer ${ann.body.accessToken}` }));
    expect(change.status).toBe(204);
    expect((await t.request('/api/number', bearer(ann.body.accessToken))).status).toBe(200);
    expect((await t.request('/api/number', bearer(other.accessToken))).status).toBe(401);
  });
});

describe('bad input never becomes a 5xx', () => {
  const cases: [string, RequestInit, number][] = [
    ['malformed JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' }, 400],
    ['an array', json([1, 2]), 400],
    ['a string', json('hello'), 400],
    ['null', json(null), 400],
    ['wrong types', json({ email: 42, password: true }), 400],
    ['a roles field', json({ email: 'x@example.test', password: PASSWORD, roles: ['admin'] }), 400],
    ['an unknown field', json({ email: 'x@example.test', password: PASSWORD, isAdmin: true }), 400],
    ['a missing field', json({ email: 'x@example.test' }), 400],
    ['a bad transport', json({ email: 'x@example.test', password: PASSWORD, transport: 'carrier-pigeon' }), 400],
    ['a body over 16 KiB', json({ email: 'x@example.test', password: PASSWORD, name: 'n'.repeat(17 * 1024) }), 400],
    ['text/plain', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }, 415],
    ['deeply nested JSON', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '['.repeat(100_000) }, 400],
    ['a bad email', json({ email: 'not-an-email', password: PASSWORD }), 400],
    ['a short password', json({ email: 'x@example.test', password: 'short' }), 400],
  ];
  for (const [what, init, status] of cases) {
    it(`signup with ${what} → ${status}`, async () => {
      const response = await t.request('/auth/signup', init);
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: string; message: string };
      expect(typeof body.error).toBe('string');
      expect(typeof body.message).toBe('string');
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|Error:|SELECT|INSERT/);
    });
  }

  it('refuses a refresh token field that is not a string, and unknown routes are JSON 404s', async () => {
    expect((await t.request('/auth/refresh', json({ refreshToken: 7 }))).status).toBe(400);
    const missing = await t.request('/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('discovery and CORS', () => {
  it('publishes only public keys and an OpenID configuration', async () => {
    const jwks = (await (await t.request('/.well-known/jwks.json')).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
    const discovery = (await (await t.request('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: t.config.issuer, jwks_uri: `${t.config.issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['ES256', 'RS256'] });
    expect(await (await t.request('/healthz')).json()).toEqual({ status: 'ok' });
  });

  it('allows credentials only for listed origins and never reflects an unlisted one', async () => {
    const preflight = (origin: string) =>
      t.request('/auth/refresh', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-csrf-token' } });
    const listed = await preflight('http://app.example.test:5173');
    expect(listed.headers.get('access-control-allow-origin')).toBe('http://app.example.test:5173');
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
    const unlisted = await preflight('https://evil.example');
    for (const [name] of unlisted.headers) expect(name).not.toMatch(/^access-control-/);
    const simple = await t.request('/api/number', { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
  });
});
