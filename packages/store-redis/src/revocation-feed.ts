import type { Redis } from 'ioredis';
import { closeRedis } from './client.js';
import { toStoreError } from './errors.js';
import { parseKeyRotationMessage, parseRevocationMessage } from './messages.js';
import { DEFAULT_KEY_PREFIX, redisNames } from './names.js';

export interface RevocationFeedOptions {
  /**
   * A command connection (ideally from connectRedis). The feed reads the revoked set through it, and subscribes
   * on its own duplicate of it — a subscribed connection can run nothing else — which close() ends.
   */
  redis: Redis;
  /** Must match the publishers' prefix (default `tessera:`). */
  keyPrefix?: string;
  /** How far back a resync reads, in ms: the access-token lifetime plus the clock tolerance. */
  keepMs: number;
  onRevoked(sessionIds: readonly string[], revokedAtMs: number): void;
  /** A key rotation was announced (its kid), or the feed reconnected and may have missed one (null). */
  onKeysRotated?(kid: string | null): void;
  /** A lost connection, a failed resync (retried) or a throwing callback; none of them stops the feed. */
  onError?(error: unknown): void;
  now?: () => number;
}

export interface RevocationFeed {
  close(): Promise<void>;
}

/**
 * Subscribes to the revocation and key channels of docs/revocation-feed.md. On every (re)connect it first
 * subscribes and only then reads `<prefix>revoked` for the last `keepMs`, so a revocation published while it
 * was disconnected — or between the read and the subscription — is never missed. Resolves once the first
 * resync is done; rejects with TesseraError('unavailable') when Redis can't be reached at start.
 */
export async function createRevocationFeed(options: RevocationFeedOptions): Promise<RevocationFeed> {
  if (!Number.isFinite(options.keepMs) || options.keepMs <= 0) throw new RangeError('keepMs must be a positive number of milliseconds.');
  const names = redisNames(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const now = options.now ?? Date.now;
  const report = (error: unknown) => options.onError?.(error);
  const safely = (callback: () => void) => {
    try {
      callback();
    } catch (error) {
      report(error);
    }
  };

  const subscriber = options.redis.duplicate({ lazyConnect: true });
  let closed = false;
  let generation = 0;
  let everReady = false;
  let wake: (() => void) | undefined;
  let settleFirst: ((error?: unknown) => void) | undefined;
  const firstSync = new Promise<void>((resolve, reject) => {
    settleFirst = (error) => (error === undefined ? resolve() : reject(error));
  });
  const settle = (error?: unknown) => {
    settleFirst?.(error);
    settleFirst = undefined;
  };
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const resync = async (reconnect: boolean) => {
    const mine = ++generation;
    for (let attempt = 1; !closed && mine === generation; attempt += 1) {
      try {
        // Subscribe first (ioredis re-subscribes by itself; awaiting our own SUBSCRIBE proves it is in effect),
        // then read: what was published before the read is in the set, what comes after arrives as a message.
        await subscriber.subscribe(names.revocationsChannel, names.keysChannel);
        const rows = await options.redis.zrangebyscore(names.revoked, now() - options.keepMs, '+inf', 'WITHSCORES');
        for (let i = 0; i + 1 < rows.length; i += 2) safely(() => options.onRevoked([rows[i]!], Number(rows[i + 1])));
        if (reconnect) safely(() => options.onKeysRotated?.(null));
        settle();
        return;
      } catch (error) {
        report(error);
        if (settleFirst) return settle(error);
        await pause(Math.min(attempt * 250, 2_000));
      }
    }
  };

  subscriber.on('message', (channel: string, text: string) => {
    if (channel === names.revocationsChannel) {
      const message = parseRevocationMessage(text);
      if (message && message.sessionIds.length > 0) safely(() => options.onRevoked(message.sessionIds, message.revokedAt));
    } else if (channel === names.keysChannel) {
      const message = parseKeyRotationMessage(text);
      if (message) safely(() => options.onKeysRotated?.(message.kid));
    }
  });
  subscriber.on('ready', () => {
    const reconnect = everReady;
    everReady = true;
    void resync(reconnect);
  });
  subscriber.on('error', report);

  const close = async () => {
    closed = true;
    generation += 1;
    wake?.();
    settle(new Error('The revocation feed was closed before its first resync.'));
    await closeRedis(subscriber);
  };

  try {
    await subscriber.connect();
    await firstSync;
  } catch (error) {
    await close();
    throw toStoreError(error);
  }
  return { close };
}
