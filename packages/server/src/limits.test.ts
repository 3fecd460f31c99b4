import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { createTestApp, json, PASSWORD, signupWithCookie } from '../test/harness.js';
import { startServer, type RunningServer } from './node/serve.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((close) => close()));
});

async function app(env: Record<string, string> = {}) {
  const t = await createTestApp(env);
  cleanups.push(t.close);
  return t;
}

const login = (email: string, password: string, headers: Record<string, string> = {}) => json({ email, password }, headers);

async function expectRateLimited(response: Response) {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as { error: string; message: string };
  expect(body.error).toBe('rate_limited');
  expect(typeof body.message).toBe('string');
  return { retryAfter, body };
}

describe('login lockout per account', () => {
  it('answers 429 with Retry-After after 10 wrong passwords — even to the right one — and identically for an unknown email', async () => {
    const t = await app();
    await signupWithCookie(t.request);
    const statuses = { known: [] as number[], unknown: [] as number[] };
    for (let i = 0; i < 10; i += 1) {
      statuses.known.push((await t.request('/auth/login', login('ann@example.test', 'wrong password!'))).status);
      statuses.unknown.push((await t.request('/auth/login', login('nobody@example.test', 'wrong password!'))).status);
    }
    expect(statuses.known).toEqual(new Array(10).fill(401));
    expect(statuses.unknown).toEqual(statuses.known);
    const known = await expectRateLimited(await t.request('/auth/login', login('ann@example.test', PASSWORD)));
    const unknown = await expectRateLimited(await t.request('/auth/login', login('nobody@example.test', PASSWORD)));
    expect(known.retryAfter).toBeLessThanOrEqual(15 * 60);
    expect(unknown.body).toEqual(known.body);
    // The lockout is the account's, not the address's: somebody else still logs in from here.
    await signupWithCookie(t.request, 'bob@example.test');
    expect((await t.request('/auth/login', login('bob@example.test', PASSWORD))).status).toBe(200);
  });

  it('a successful login starts the account\'s count again', async () => {
    const t = await app();
    await signupWithCookie(t.request);
    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 9; i += 1) expect((await t.request('/auth/login', login('ann@example.test', 'wrong password!'))).status).toBe(401);
      expect((await t.request('/auth/login', login('ann@example.test', PASSWORD))).status).toBe(200);
    }
  });

  it('counts wrong current passwords on /auth/password against the same account budget', async () => {
    const t = await app();
    const { body } = await signupWithCookie(t.request);
    const authorization = `Bearer ${body.accessToken}`;
    for (let i = 0; i < 5; i += 1) expect((await t.request('/auth/login', login('ann@example.test', 'wrong password!'))).status).toBe(401);
    for (let i = 0; i < 5; i += 1) {
      const change = await t.request('/auth/password', json({ currentPassword: 'wrong password!', newPassword: 'a new password 1' }, { authorization }));
      expect(change.status).toBe(400);
    }
    await expectRateLimited(await t.request('/auth/login', login('ann@example.test', PASSWORD)));
  });

  it('TESSERA_RATE_LIMIT=off turns every limit off', async () => {
    const t = await app({ TESSERA_RATE_LIMIT: 'off' });
    await signupWithCookie(t.request);
    for (let i = 0; i < 12; i += 1) expect((await t.request('/auth/login', login('ann@example.test', 'wrong password!'))).status).toBe(401);
    expect((await t.request('/auth/login', login('ann@example.test', PASSWORD))).status).toBe(200);
  });
});

describe('per-address limits', () => {
  it('a new X-Forwarded-For on every try does not reset the signup limit (the header is ignored without TESSERA_TRUST_PROXY)', async () => {
    const t = await app();
    for (let i = 0; i < 20; i += 1) {
      const response = await t.request('/auth/signup', json({ email: `user${i}@example.test`, password: PASSWORD }, { 'x-forwarded-for': `198.51.100.${i}` }));
      expect(response.status).toBe(201);
    }
    await expectRateLimited(await t.request('/auth/signup', json({ email: 'user99@example.test', password: PASSWORD }, { 'x-forwarded-for': '203.0.113.77' })));
  });

  it('behind one trusted proxy, only the address the proxy appended counts; spoofed entries to its left do not', async () => {
    const t = await app({ TESSERA_TRUST_PROXY: '1' });
    for (let i = 0; i < 20; i += 1) {
      const headers = { 'x-forwarded-for': `10.9.9.${i}, 203.0.113.5` };
      expect((await t.request('/auth/signup', json({ email: `user${i}@example.test`, password: PASSWORD }, headers))).status).toBe(201);
    }
    await expectRateLimited(await t.request('/auth/signup', json({ email: 'late@example.test', password: PASSWORD }, { 'x-forwarded-for': '10.0.0.1, 203.0.113.5' })));
    expect((await t.request('/auth/signup', json({ email: 'other@example.test', password: PASSWORD }, { 'x-forwarded-for': '203.0.113.6' }))).status).toBe(201);
  });

  it('limits refreshes per address (300 a minute)', async () => {
    const t = await app();
    const garbage = json({ refreshToken: 'x'.repeat(87) });
    for (let i = 0; i < 300; i += 1) expect((await t.request('/auth/refresh', garbage)).status).toBe(401);
    await expectRateLimited(await t.request('/auth/refresh', json({ refreshToken: 'x'.repeat(87) })));
  });

  it('limits password changes per address (10 per 15 minutes)', async () => {
    const t = await app();
    const { body } = await signupWithCookie(t.request);
    const authorization = `Bearer ${body.accessToken}`;
    for (let i = 0; i < 10; i += 1) {
      const change = await t.request('/auth/password', json({ currentPassword: PASSWORD, newPassword: 'short' }, { authorization }));
      expect(change.status).toBe(400);
    }
    await expectRateLimited(await t.request('/auth/password', json({ currentPassword: PASSWORD, newPassword: 'a new password 1' }, { authorization })));
  });
});

describe('on a real listener', () => {
  let server: RunningServer;
  it('counts the socket address, whatever X-Forwarded-For says', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-limits-'));
    const config = loadConfig({ PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_DATABASE_URL: 'sqlite::memory:' }, dataDir);
    server = await startServer(config, { log: () => {}, onEvent: () => {} });
    cleanups.push(() => server.close());
    // Per-address signup limit: a fresh email and a fresh forged address every time.
    const attempt = (i: number) =>
      fetch(`${server.url}/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}`, 'x-real-ip': `198.51.100.${i}` },
        body: JSON.stringify({ email: `user${i}@example.test`, password: PASSWORD }),
      });
    for (let i = 0; i < 20; i += 1) expect((await attempt(i)).status).toBe(201);
    await expectRateLimited(await attempt(20));
  });
});
