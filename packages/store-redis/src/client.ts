import { Redis, type RedisOptions } from 'ioredis';
import { toStoreError } from './errors.js';

export { closeRedis } from './close-redis.js';

/**
 * The connection options Tessera needs from ioredis, over any the caller passes:
 * - calls fail at once while Redis is down (no offline queue) and calls in flight fail as soon as the
 *   connection drops (no retries), so a request gets a quick 503 instead of hanging; a command without an
 *   answer times out after `commandTimeout`;
 * - a command whose outcome is unknown after a lost connection is not silently sent again (a rotation must
 *   never run twice behind the caller's back);
 * - reconnection goes on forever, at most a second apart, so service resumes by itself.
 */
export const FAIL_FAST_OPTIONS: RedisOptions = {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  connectTimeout: 2_000,
  commandTimeout: 2_000,
  retryStrategy: (times: number) => Math.min(times * 100, 1_000),
};

/** Opens a connection with FAIL_FAST_OPTIONS and waits until it is ready; rejects with TesseraError('unavailable'). */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, { ...FAIL_FAST_OPTIONS, ...options, lazyConnect: true });
  // A failed first attempt rejects with a bare "Connection is closed."; the 'error' event has the reason.
  let reason: unknown;
  const remember = (error: unknown) => (reason = error);
  redis.on('error', remember);
  try {
    await redis.connect();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw toStoreError(reason ?? error);
  } finally {
    redis.off('error', remember);
  }
}
