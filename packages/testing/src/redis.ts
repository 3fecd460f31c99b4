// @tessera/testing/redis — for suites that need a real Redis: the availability check and per-test key prefixes
// (the Redis is shared by every test file running at once, so each works under a prefix of its own).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { serviceAvailable } from './services.js';

export const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Closes a connection politely when it is up, and at once when it is not. */
async function close(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
  else redis.disconnect();
}

export function redisAvailable(): Promise<boolean> {
  return serviceAvailable({
    service: 'Redis',
    envVar: 'TESSERA_TEST_REDIS_URL',
    url: REDIS_URL,
    probe: async () => {
      const redis = new Redis(REDIS_URL, { lazyConnect: true, retryStrategy: () => null, connectTimeout: 2_000 });
      try {
        await redis.connect();
        await redis.ping();
      } finally {
        await close(redis);
      }
    },
  });
}

/** A prefix no other test (or test file running in parallel) uses: `tessera_t_<hex>:`. */
export function testPrefix(): string {
  return `tessera_t_${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under a test prefix, with SCAN (never KEYS) — the Redis is shared. */
export async function dropPrefix(redis: Redis, prefix: string): Promise<void> {
  if (!/^tessera_t_[0-9a-f]+:$/.test(prefix)) throw new Error(`refusing to drop keys under "${prefix}"`);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
}

/** Collects every message on a channel into `received`; await `ready` before publishing. */
export function collect(redis: Redis, channel: string): { ready: Promise<void>; received: string[]; close: () => Promise<void> } {
  const subscriber = redis.duplicate({ enableOfflineQueue: true });
  const received: string[] = [];
  subscriber.on('message', (ch: string, text: string) => {
    if (ch === channel) received.push(text);
  });
  const ready = subscriber.subscribe(channel).then(() => undefined);
  return { ready, received, close: () => close(subscriber) };
}
