import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cookieHeader, createTestApp, json, PASSWORD, signupWithCookie } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(async () => t.close());

/** One response of every kind the API gives: successes (200, 201, 204) and errors, on /auth and /api. */
async function everyApiResponse(): Promise<[string, Response][]> {
  const ann = await signupWithCookie(t.request);
  const bearer = { authorization: `Bearer ${ann.body.accessToken}` };
  const cookie = { cookie: cookieHeader(ann.jar), 'x-csrf-token': ann.body.csrfToken };
  const second = (await (await t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD }))).json()) as { accessToken: string };
  const secondSid = JSON.parse(Buffer.from(second.accessToken.split('.')[1]!, 'base64url').toString()).sid as string;
  const list: [string, Response][] = [['signup 201', ann.response]];
  const add = async (name: string, path: string, init: RequestInit = {}) => list.push([name, await t.request(path, init)]);
  await add('login 200', '/auth/login', json({ email: 'ann@example.test', password: PASSWORD }));
  await add('login 401', '/auth/login', json({ email: 'ann@example.test', password: 'wrong password!' }));
  await add('refresh 200', '/auth/refresh', { method: 'POST', headers: cookie });
  await add('refresh 401', '/auth/refresh', { method: 'POST' });
  await add('me 200', '/auth/me', { headers: bearer });
  await add('me 401', '/auth/me');
  await add('sessions 200', '/auth/sessions', { headers: bearer });
  await add('delete session 204', `/auth/sessions/${secondSid}`, { method: 'DELETE', headers: bearer });
  await add('password 204', '/auth/password', json({ currentPassword: PASSWORD, newPassword: 'a new password 1' }, bearer));
  await add('signup 400', '/auth/signup', json({}));
  await add('api user 200', '/api/user', { headers: bearer });
  await add('api number 401', '/api/number');
  await add('logout-all 204', '/auth/logout-all', { method: 'POST', headers: bearer });
  await add('logout 204', '/auth/logout', { method: 'POST' });
  return list;
}

describe('security headers', () => {
  it('every auth and API response says Cache-Control: no-store (tokens must never sit in a cache)', async () => {
    for (const [name, response] of await everyApiResponse()) expect(response.headers.get('cache-control'), name).toBe('no-store');
  });

  it('every auth and API response forbids framing (clickjacking) and sends no Referer onwards', async () => {
    for (const [name, response] of await everyApiResponse()) {
      expect(response.headers.get('content-security-policy'), name).toMatch(/frame-ancestors 'none'/);
      expect(response.headers.get('referrer-policy'), name).toBe('no-referrer');
    }
  });

  it('every response, API or not, says X-Content-Type-Options: nosniff', async () => {
    const responses = [...(await everyApiResponse())];
    for (const path of ['/healthz', '/.well-known/jwks.json', '/.well-known/openid-configuration', '/no-such-page']) {
      responses.push([path, await t.request(path)]);
    }
    for (const [name, response] of responses) expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
  });

  it('sends HSTS over HTTPS only — and over a trusted proxy\'s X-Forwarded-Proto only when the proxy is trusted', async () => {
    const https = await t.app.request('https://auth.example.test/healthz');
    expect(https.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const https401 = await t.app.request('https://auth.example.test/auth/me');
    expect(https401.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    expect((await t.request('/healthz')).headers.get('strict-transport-security')).toBeNull();
    expect((await t.request('/healthz', { headers: { 'x-forwarded-proto': 'https' } })).headers.get('strict-transport-security')).toBeNull();
    const proxied = await createTestApp({ TESSERA_TRUST_PROXY: '1' });
    try {
      const behind = await proxied.request('/healthz', { headers: { 'x-forwarded-proto': 'https' } });
      expect(behind.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    } finally {
      await proxied.close();
    }
  });

  it('in production, HSTS is sent on every response', async () => {
    const production = await createTestApp({ NODE_ENV: 'production', TESSERA_ISSUER: 'https://auth.example.test' });
    try {
      expect((await production.request('/healthz')).headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    } finally {
      await production.close();
    }
  });
});
