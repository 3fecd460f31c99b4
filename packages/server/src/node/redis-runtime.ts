import { TesseraError, type Auth, type KeyRing, type SessionStore } from '@tessera/core';
import { closeRedis, connectRedis, createRedisSessionStore, createRevocationFeed, publishKeyRotation, type RevocationFeed } from '@tessera/store-redis';
import type { Redis } from 'ioredis';
import { describeError } from '../describe-error.js';

/** What TESSERA_REDIS_URL adds to a runtime: the session store, the revocation feed and key announcements. */
export interface RedisRuntime {
  /** The command connection: sessions, the feed's resync reads, rate-limit counters. */
  redis: Redis;
  sessions: SessionStore;
  /**
   * Subscribes this process to the feed: revocations made by any instance go into `auth`'s deny set, and a
   * key rotation announced by any process reloads `keys`. Resolves after the first resync.
   */
  follow(auth: Auth, keys: Pick<KeyRing, 'reload'>, keepMs: number): Promise<void>;
  /** Tells every following process that `kid` now signs; false when Redis can't be reached. */
  announceKeyRotation(kid: string): Promise<boolean>;
  close(): Promise<void>;
}

const LOG_EVERY_MS = 30_000;

/** One log line per `what` every 30 s at most: a Redis outage must not flood the log with reconnect attempts. */
function throttled(log: (line: string) => void, what: string): (error: unknown) => void {
  let lastAt = -Infinity;
  return (error) => {
    const now = Date.now();
    if (now - lastAt < LOG_EVERY_MS) return;
    lastAt = now;
    log(`[tessera] ${what}: ${describeError(error)} (retrying)`);
  };
}

/**
 * Connects to Redis (failing fast while it is down, reconnecting by itself) and builds the session store over
 * it. Rejects with TesseraError('unavailable') when Redis can't be reached at start.
 */
export async function openRedisRuntime(url: string, keyPrefix: string, log: (line: string) => void): Promise<RedisRuntime> {
  let redis: Redis;
  try {
    redis = await connectRedis(url);
  } catch (error) {
    // The host only: the URL may carry a password.
    const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
    throw new TesseraError('unavailable', `Redis at ${new URL(url).host} (TESSERA_REDIS_URL) is unreachable (${describeError(cause)}).`, { cause: error });
  }
  let lost = false;
  redis.on('reconnecting', () => {
    if (!lost) log('[tessera] Redis connection lost; reconnecting (requests that need Redis answer 503 meanwhile)');
    lost = true;
  });
  redis.on('ready', () => {
    if (lost) log('[tessera] Redis connection restored');
    lost = false;
  });
  redis.on('error', throttled(log, 'Redis connection failed'));
  let feed: RevocationFeed | undefined;
  return {
    redis,
    sessions: createRedisSessionStore(redis, { keyPrefix }),
    async follow(auth, keys, keepMs) {
      const reloadFailed = throttled(log, 'key reload after a rotation was announced failed');
      feed = await createRevocationFeed({
        redis,
        keyPrefix,
        keepMs,
        onRevoked: (sessionIds, revokedAtMs) => auth.markRevoked(sessionIds, revokedAtMs),
        onKeysRotated: () => {
          keys.reload().catch(reloadFailed);
        },
        onError: throttled(log, 'Redis revocation feed'),
      });
    },
    async announceKeyRotation(kid) {
      try {
        await publishKeyRotation(redis, kid, keyPrefix);
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await feed?.close();
      await closeRedis(redis);
    },
  };
}
