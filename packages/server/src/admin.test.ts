import { createUser } from '@tessera/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, json, PASSWORD } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });

/** Logs in over HTTP with the refresh token in the body (a native client), so tests can refresh without cookies. */
async function login(email: string, password = PASSWORD) {
  const response = await loginResponse(email, password);
  return { response, body: (await response.json()) as { accessToken: string; refreshToken: string; user: { id: string } } };
}

function loginResponse(email: string, password = PASSWORD) {
  return t.request('/auth/login', json({ email, password, transport: 'body' }));
}

async function setUp() {
  await createUser(t.runtime.auth.context, { email: 'root@example.test', password: PASSWORD, name: 'Root', roles: ['admin'] });
  const admin = (await login('root@example.test')).body;
  t.clock.advance(1000);
  const signup = await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }));
  const ann = (await signup.json()) as { accessToken: string; refreshToken: string; user: { id: string } };
  return { admin, ann };
}

async function errorOf(response: Response) {
  return { status: response.status, body: (await response.json()) as unknown };
}

describe('admin API: access', () => {
  it('answers 401 without a token, with the bare challenge', async () => {
    await setUp();
    const response = await t.request('/admin/users');
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  });

  it('answers 403 insufficient_scope, with the challenge, to a token without the admin role; nothing changes', async () => {
    const { ann } = await setUp();
    const requests: [string, RequestInit][] = [
      ['/admin/users', {}],
      [`/admin/users/${ann.user.id}/disable`, { method: 'POST' }],
      [`/admin/users/${ann.user.id}/enable`, { method: 'POST' }],
      [`/admin/users/${ann.user.id}/roles`, { ...json({ roles: ['admin'] }), method: 'PUT' }],
      [`/admin/users/${ann.user.id}/logout`, { method: 'POST' }],
    ];
    for (const [path, init] of requests) {
      const response = await t.request(path, bearer(ann.accessToken, init));
      expect(response.status, path).toBe(403);
      expect(await response.json()).toEqual({ error: 'insufficient_scope', message: 'This resource needs the role admin.' });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="insufficient_scope"/);
    }
    expect((await t.runtime.stores.users.findUserById(ann.user.id))?.roles).toEqual([]);
    expect((await t.request('/auth/me', bearer(ann.accessToken))).status).toBe(200);
  });

  it('limits admin requests per address: 429 rate_limited with Retry-After after 120 a minute', async () => {
    const { admin } = await setUp();
    for (let i = 0; i < 120; i += 1) expect((await t.request('/admin/users?limit=1', bearer(admin.accessToken))).status).toBe(200);
    const refused = await t.request('/admin/users?limit=1', bearer(admin.accessToken));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
  });
});

describe('admin API: operations', () => {
  it('searches by email text, newest first, a page at a time; never a password hash; not cached', async () => {
    const { admin, ann } = await setUp();
    const response = await t.request('/admin/users?q=ANN&limit=5', bearer(admin.accessToken));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    const body = (await response.json()) as { users: Record<string, unknown>[]; nextOffset: number | null };
    expect(body).toEqual({
      users: [{ id: ann.user.id, email: 'ann@example.test', name: null, roles: [], createdAt: expect.any(String), updatedAt: expect.any(String), disabledAt: null }],
      nextOffset: null,
    });
    const all = (await (await t.request('/admin/users?limit=1', bearer(admin.accessToken))).json()) as typeof body;
    expect(all.users.map((u) => u.email)).toEqual(['ann@example.test']);
    expect(all.nextOffset).toBe(1);
    const next = (await (await t.request('/admin/users?limit=1&offset=1', bearer(admin.accessToken))).json()) as typeof body;
    expect(next).toMatchObject({ users: [{ email: 'root@example.test', roles: ['admin'] }], nextOffset: null });
    expect(JSON.stringify([body, all, next])).not.toMatch(/argon2|passwordHash/);
  });

  it('refuses bad search parameters with 400 invalid_request', async () => {
    const { admin } = await setUp();
    for (const query of ['limit=0', 'limit=101', 'limit=ten', 'limit=-1', 'offset=1.5', 'sort=email', `q=${'x'.repeat(300)}`]) {
      const response = await t.request(`/admin/users?${query}`, bearer(admin.accessToken));
      expect(response.status, query).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    }
  });

  it('disables a user: their access token is refused at once, login 403 account_disabled, refresh and signup refused', async () => {
    const { admin, ann } = await setUp();
    const response = await t.request(`/admin/users/${ann.user.id}/disable`, bearer(admin.accessToken, { method: 'POST' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user: { id: ann.user.id, disabledAt: new Date(t.clock.now()).toISOString() }, sessionsRevoked: 1 });

    const me = await t.request('/auth/me', bearer(ann.accessToken));
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(await errorOf(await t.request('/auth/refresh', json({ refreshToken: ann.refreshToken })))).toMatchObject({ status: 401, body: { error: 'invalid_grant' } });
    expect(await errorOf(await loginResponse('ann@example.test'))).toEqual({
      status: 403,
      body: { error: 'account_disabled', message: 'This account has been disabled; contact the administrator.' },
    });
    expect(await errorOf(await loginResponse('ann@example.test', 'wrong horse battery'))).toEqual({
      status: 401,
      body: { error: 'invalid_credentials', message: 'The email or password is incorrect.' },
    });
    expect((await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD }))).status).toBe(409);

    const enabled = await t.request('/admin/users/ann@example.test/enable', bearer(admin.accessToken, { method: 'POST' }));
    expect(await enabled.json()).toMatchObject({ user: { id: ann.user.id, disabledAt: null } });
    expect((await login('ann@example.test')).response.status).toBe(200);
  });

  it('sets roles: the user gets them at the next refresh, and bad bodies are 400/415', async () => {
    const { admin, ann } = await setUp();
    const put = (body: string, type = 'application/json') =>
      t.request(`/admin/users/${ann.user.id}/roles`, bearer(admin.accessToken, { method: 'PUT', headers: { 'content-type': type }, body }));
    const response = await put(JSON.stringify({ roles: ['support', 'billing'] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ user: { id: ann.user.id, roles: ['support', 'billing'] } });
    const refreshed = (await (await t.request('/auth/refresh', json({ refreshToken: ann.refreshToken }))).json()) as { accessToken: string };
    expect(t.runtime.auth.verifyAccessToken(refreshed.accessToken).roles).toEqual(['support', 'billing']);

    for (const [body, field] of [
      ['{"roles":"admin"}', 'must be an array of strings'],
      ['{"roles":[1]}', 'must be an array of strings'],
      ['{}', 'is required'],
      ['{"roles":[],"admin":true}', 'Unknown field'],
      ['{"roles":["has space"]}', 'A role is'],
      [JSON.stringify({ roles: Array.from({ length: 65 }, (_, i) => `r${i}`) }), 'more than 64 items'],
      ['not json', 'not valid JSON'],
    ] as const) {
      const refused = await put(body);
      expect(refused.status, body.slice(0, 30)).toBe(400);
      expect(((await refused.json()) as { error: string; message: string })).toMatchObject({ error: 'invalid_request', message: expect.stringContaining(field) });
    }
    expect((await put('roles=admin', 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await t.runtime.stores.users.findUserById(ann.user.id))?.roles).toEqual(['support', 'billing']);
  });

  it('logs a user out everywhere: 200 with the count, and their tokens are refused', async () => {
    const { admin, ann } = await setUp();
    const response = await t.request(`/admin/users/${ann.user.id}/logout`, bearer(admin.accessToken, { method: 'POST' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sessionsRevoked: 1 });
    expect((await t.request('/auth/me', bearer(ann.accessToken))).status).toBe(401);
    expect((await t.request('/auth/me', bearer(admin.accessToken))).status).toBe(200);
  });

  it('answers 404 not_found for an unknown user and 400 for an admin disabling itself', async () => {
    const { admin } = await setUp();
    const missing = await t.request('/admin/users/no-such-user/disable', bearer(admin.accessToken, { method: 'POST' }));
    expect(await errorOf(missing)).toEqual({ status: 404, body: { error: 'not_found', message: 'There is no such user.' } });
    const self = await t.request('/admin/users/root@example.test/disable', bearer(admin.accessToken, { method: 'POST' }));
    expect(await errorOf(self)).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });
});
