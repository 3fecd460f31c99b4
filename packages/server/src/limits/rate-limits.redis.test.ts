import { randomBytes } from 'node:crypto';
import { TesseraError } from '@tessera/core';
import { serviceAvailable } from '@tessera/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, json, PASSWORD, signupWithCookie } from '../../test/harness.js';
import { createRateLimits } from './rate-limits.js';

const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const connect = () => new Redis(REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true, retryStrategy: () => null });
const available = await serviceAvailable({
  service: 'Redis',
  envVar: 'TESSERA_TEST_REDIS_URL',
  url: REDIS_URL,
  probe: async () => {
    const redis = connect();
    try {
      await redis.connect();
      await redis.ping();
    } finally {
      redis.disconnect();
    }
  },
});

const base = `tessera_t_${randomBytes(6).toString('hex')}:`;
const prefix = `${base}rl`;
const clients: Redis[] = [];
async function client(): Promise<Redis> {
  const redis = connect();
  await redis.connect();
  clients.push(redis);
  return redis;
}

afterAll(async () => {
  if (!available) return;
  const redis = await client();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  for (const each of clients) each.disconnect();
});

describe.skipIf(!available)('rate limits in Redis (shared by every instance)', () => {
  it('two instances share one account\'s failures, and a success on either resets them', async () => {
    const a = createRateLimits({ redis: await client(), keyPrefix: prefix });
    const b = createRateLimits({ redis: await client(), keyPrefix: prefix });
    for (let i = 0; i < 9; i += 1) expect((await (i % 2 ? a : b).passwordAttempt('ann@example.test', '192.0.2.1')).failed()).toBeNull();
    await (await b.passwordAttempt('ann@example.test', '192.0.2.1')).succeeded();
    for (let i = 0; i < 9; i += 1) (await a.passwordAttempt('ann@example.test', '192.0.2.1')).failed();
    expect((await b.passwordAttempt('ann@example.test', '192.0.2.1')).failed()).toEqual({ lockedForSeconds: 900 });
    const refused = await a.passwordAttempt('ann@example.test', '192.0.2.2').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TesseraError);
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect((refused as TesseraError).retryAfter).toBeGreaterThan(890);
  });

  it('keys the account counters by a hash, so Redis holds no list of emails', async () => {
    const redis = await client();
    const limits = createRateLimits({ redis, keyPrefix: `${prefix}h` });
    (await limits.passwordAttempt('carol@example.test', '192.0.2.9')).failed();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}h*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...found);
    } while (cursor !== '0');
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).not.toContain('carol');
  });

  it('two instances share one account\'s reset-mail allowance; a dropped connection sends no mail', async () => {
    const a = createRateLimits({ redis: await client(), keyPrefix: `${prefix}m` });
    const b = createRateLimits({ redis: await client(), keyPrefix: `${prefix}m` });
    expect([await a.mailToAccount('dora@example.test'), await b.mailToAccount('dora@example.test'), await a.mailToAccount('dora@example.test')]).toEqual([null, null, null]);
    expect(await b.mailToAccount('dora@example.test')).toBeGreaterThan(3590);
    const redis = await client();
    const dropped = createRateLimits({ redis, keyPrefix: `${prefix}m` });
    redis.disconnect();
    await expect(dropped.mailToAccount('erin@example.test')).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('answers 503 unavailable at once when the connection drops', async () => {
    const redis = await client();
    const limits = createRateLimits({ redis, keyPrefix: prefix });
    await limits.hit('refresh', '192.0.2.1');
    redis.disconnect();
    await expect(limits.hit('refresh', '192.0.2.1')).rejects.toMatchObject({ code: 'unavailable', status: 503 });
  });

  it('servers started with TESSERA_REDIS_URL share the lockout: failures on one lock the account on the other', async () => {
    const env = { TESSERA_REDIS_URL: REDIS_URL, TESSERA_REDIS_PREFIX: base };
    const [one, two] = [await createTestApp(env), await createTestApp(env)];
    try {
      await signupWithCookie(one.request, 'shared@example.test');
      for (let i = 0; i < 10; i += 1) {
        const response = await (i % 2 ? one : two).request('/auth/login', json({ email: 'shared@example.test', password: 'wrong password!' }));
        expect(response.status).toBe(401);
      }
      const locked = await two.request('/auth/login', json({ email: 'shared@example.test', password: PASSWORD }));
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(890);
    } finally {
      await one.close();
      await two.close();
    }
  });
});
