import { createRedisReplayCache } from '@tessera/core/dpop';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeRedis, connectRedis } from './client.js';
import { dropPrefix, REDIS_URL, redisAvailable, testPrefix } from '@tessera/testing/redis';

const available = await redisAvailable();

describe.skipIf(!available)('the DPoP replay cache on Redis', () => {
  let redis: Redis;
  let other: Redis;
  const prefix = testPrefix();

  beforeAll(async () => {
    redis = await connectRedis(REDIS_URL);
    other = await connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    await dropPrefix(redis, prefix);
    await Promise.all([closeRedis(redis), closeRedis(other)]);
  });

  it('accepts an identifier once across instances, exactly one of many racing wins, and it expires when the proof would', async () => {
    const one = createRedisReplayCache(redis, { keyPrefix: prefix });
    const two = createRedisReplayCache(other, { keyPrefix: prefix });
    const expiresAt = Date.now() + 60_000;
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).claim('jkt.jti-1', expiresAt)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await two.claim('jkt.jti-1', expiresAt)).toBe(false);
    expect(await redis.pexpiretime(`${prefix}dpop:jkt.jti-1`)).toBe(expiresAt);
    expect(await one.claim('jkt.jti-2', expiresAt)).toBe(true);
  });

  it('fails closed with unavailable when Redis is down', async () => {
    const down = await connectRedis(REDIS_URL);
    await closeRedis(down);
    const cache = createRedisReplayCache(down, { keyPrefix: prefix });
    await expect(cache.claim('jkt.jti-3', Date.now() + 60_000)).rejects.toMatchObject({ code: 'unavailable', status: 503 });
  });
});
