import { parseKeyRotationMessage, parseRevocationMessage } from '@tessera/core/session';
import { DEFAULT_KEY_PREFIX, redisNames } from '@tessera/wire';
import type { Redis } from 'ioredis';
import { closeRedis } from './close-redis.js';

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

export interface RevocationSubscription {
  /** Whether the first resync has completed: before it, revocations made earlier are not known yet. */
  readonly synced: boolean;
  /** Resolves at the first completed resync; rejects only when the feed is closed before it. */
  readonly firstSync: Promise<void>;
  close(): Promise<void>;
}

/**
 * The one subscriber of the revocation and key channels of docs/revocation-feed.md, used by the server (through
 * `createRevocationFeed`) and by the guard. It starts connecting at once, on its own duplicate of `redis`, and
 * keeps reconnecting for as long as the caller's client would. On every (re)connect it first subscribes and only
 * then reads `<prefix>revoked` for the last `keepMs`, so a revocation published while it was disconnected — or
 * between the read and the subscription — is never missed; a failed resync is retried until it succeeds.
 *
 * Imports only types from ioredis (the caller's client brings it) and nothing that hashes passwords, so a
 * service that only verifies tokens can use it.
 */
export function subscribeRevocationFeed(options: RevocationFeedOptions): RevocationSubscription {
  if (!Number.isFinite(options.keepMs) || options.keepMs <= 0) throw new RangeError('keepMs must be a positive number of milliseconds.');
  const names = redisNames(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const now = options.now ?? Date.now;
  const report = (error: unknown) => {
    try {
      options.onError?.(error);
    } catch {
      // A throwing error listener must not stop the feed either.
    }
  };
  const safely = (callback: () => void) => {
    try {
      callback();
    } catch (error) {
      report(error);
    }
  };

  // We resubscribe ourselves on every `ready` (autoResubscribe off), so a resync always follows a confirmed
  // subscription; the caller's client stays theirs, and is made to connect even when it is lazy.
  const subscriber = options.redis.duplicate({ lazyConnect: true, autoResubscribe: false });
  let synced = false;
  let closed = false;
  let generation = 0;
  let everReady = false;
  let wake: (() => void) | undefined;
  let settleFirst: ((error?: unknown) => void) | undefined;
  const firstSync = new Promise<void>((resolve, reject) => {
    settleFirst = (error) => (error === undefined ? resolve() : reject(error instanceof Error ? error : new Error(String(error))));
  });
  // Nobody need wait for the first resync; a close before it must not become an unhandled rejection.
  firstSync.catch(() => {});
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
        // Subscribe first (awaiting our own SUBSCRIBE proves it is in effect), then read: what was published
        // before the read is in the set, what comes after arrives as a message.
        await subscriber.subscribe(names.revocationsChannel, names.keysChannel);
        const rows = await options.redis.zrangebyscore(names.revoked, now() - options.keepMs, '+inf', 'WITHSCORES');
        for (let i = 0; i + 1 < rows.length; i += 2) {
          const revokedAt = Number(rows[i + 1]);
          if (Number.isFinite(revokedAt)) safely(() => options.onRevoked([rows[i] as string], revokedAt));
        }
        if (reconnect) safely(() => options.onKeysRotated?.(null));
        synced = true;
        settle();
        return;
      } catch (error) {
        // A missed resync could hide revocations: try again until it succeeds or a reconnect starts a new one.
        report(new Error(`the resync from ${names.revoked} failed, retrying: ${error instanceof Error ? error.message : String(error)}`));
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
  // The first attempt's failure is also an 'error' event; ioredis keeps retrying after it.
  subscriber.connect().catch(() => {});

  return {
    get synced() {
      return synced;
    },
    firstSync,
    close: async () => {
      if (closed) return;
      closed = true;
      generation += 1;
      wake?.();
      settle(new Error('The revocation feed was closed before its first resync.'));
      await closeRedis(subscriber);
    },
  };
}
