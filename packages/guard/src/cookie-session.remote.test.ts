import { randomUUID } from 'node:crypto';
import type { AuthEvent } from '@tessera/core/auth';
import { REDIS_URL, redisAvailable } from '@tessera/testing/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCookieSessions, type CookieSessions } from './cookie-session.js';
import { form, Jar, PAGE_APPS, PASSWORD } from '../test/cookie-session.js';
import { createGuard, type Guard } from './index.js';
import { SECRET, startTessera, type Tessera } from '../test/tessera.js';

// The two-process set-up: the pages call a listening Tessera server over HTTP (`transport: "body"`), and verify
// with a guard that follows the server's Redis revocation feed.

const available = await redisAvailable();

describe.skipIf(!available)('cookie sessions against a separate auth server', () => {
  // A random prefix per run: the test touches only keys it created.
  const prefix = `tessera-cookie-${randomUUID()}:`;
  let tessera: Tessera;
  let redis: Redis;
  let guard: Guard;
  const refreshes: AuthEvent[] = [];

  const sessions = (options: { now?: () => number } = {}): CookieSessions =>
    createCookieSessions({ authUrl: tessera.url, verify: (token) => guard.verify(token), secret: SECRET, ...options });

  async function logIn(url: string, email: string, jar: Jar): Promise<void> {
    const response = await fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form({ email, password: PASSWORD }), redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(jar.take(response)).toHaveLength(2);
  }

  const account = (url: string, jar: Jar) => fetch(`${url}/account`, { headers: { accept: 'text/html', cookie: jar.header() }, redirect: 'manual' });

  beforeAll(async () => {
    tessera = await startTessera({ TESSERA_REDIS_URL: REDIS_URL, TESSERA_REDIS_PREFIX: prefix });
    tessera.server.runtime.auth.onEvent((event) => {
      if (event.type === 'refresh') refreshes.push(event);
    });
    redis = new Redis(REDIS_URL);
    guard = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl, revocation: { redis, keyPrefix: prefix, onError: () => {} } });
  });
  afterAll(async () => {
    await guard?.close();
    await tessera?.close();
    if (redis !== undefined) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
      await redis.quit();
    }
  });

  it('renews over the auth server\'s HTTP API: one rotation, new cookies, the session goes on', async () => {
    const email = `remote-${randomUUID()}@example.test`;
    await tessera.signup(email);
    // The pages' clock runs 14½ minutes ahead: the 15-minute token is within its 60-second renewal window there.
    const app = await PAGE_APPS.express!(sessions({ now: () => Date.now() + 870_000 }));
    try {
      const jar = new Jar();
      await logIn(app.url, email, jar);
      const before = { refresh: jar.cookies.get('tessera_page_refresh'), count: refreshes.length };
      const response = await account(app.url, jar);
      expect(response.status).toBe(200);
      expect(jar.take(response)).toHaveLength(2);
      expect(jar.cookies.get('tessera_page_refresh')).not.toBe(before.refresh);
      expect(refreshes.length - before.count).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('refuses the cookies of a session revoked at the auth server, through the revocation feed', async () => {
    const email = `revoked-${randomUUID()}@example.test`;
    await tessera.signup(email);
    const app = await PAGE_APPS.koa!(sessions());
    try {
      const jar = new Jar();
      await logIn(app.url, email, jar);
      expect((await account(app.url, jar)).status).toBe(200);
      // Log out everywhere through the auth server itself, with the session's own access token.
      const revoked = await fetch(`${tessera.url}/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${jar.cookies.get('tessera_access')}` } });
      expect(revoked.status).toBe(204);
      await expect.poll(async () => (await account(app.url, jar)).status, { timeout: 2_000, interval: 50 }).toBe(303);
    } finally {
      await app.close();
    }
  });
});
