import { TesseraError } from '@tessera/core/errors';
import { RevokedSessions } from '@tessera/core/session';
import { subscribeRevocationFeed, type RevocationSubscription } from '@tessera/store-redis/feed';
import type { ResolvedRevocation } from './options.js';

/**
 * The guard's deny set of session ids, fed by the revocation feed's one subscriber (`@tessera/store-redis/feed`,
 * docs/revocation-feed.md), which resyncs from the sorted set on every (re)connect. While the subscriber is
 * disconnected, revocations made meanwhile take effect at the resync that follows the reconnect.
 *
 * The feed also carries the keys channel: when the issuer announces that its keys changed (a rotation, or a
 * leaked key withdrawn by `tessera keys revoke`), or the subscriber reconnects and may have missed such an
 * announcement, `onKeysAnnounced` runs, so the guard refetches the JWKS at once instead of accepting a withdrawn
 * key's tokens until its next scheduled fetch.
 */
export class RevocationSubscriber {
  readonly #revoked: RevokedSessions;
  readonly #feed: RevocationSubscription;
  readonly #syncTimeoutMs: number;

  constructor(options: ResolvedRevocation, now: () => number, onKeysAnnounced: () => void = () => {}) {
    this.#syncTimeoutMs = options.syncTimeoutMs;
    this.#revoked = new RevokedSessions({ accessTtlSeconds: options.keepMs / 1000, clockToleranceSeconds: 0, now });
    this.#feed = subscribeRevocationFeed({
      redis: options.redis,
      keyPrefix: options.keyPrefix,
      keepMs: options.keepMs,
      now,
      onRevoked: (sessionIds, revokedAtMs) => {
        for (const sid of sessionIds) this.#revoked.add(sid, revokedAtMs);
      },
      onKeysRotated: () => onKeysAnnounced(),
      onError: (error) => options.onError(error instanceof Error ? error : new Error(String(error))),
    });
  }

  /** True when `sid` was revoked within keepMs: a Map lookup, safe on the hot path. */
  readonly isRevoked = (sid: string): boolean => this.#revoked.has(sid);

  /** Whether the first resync has completed. */
  get synced(): boolean {
    return this.#feed.synced;
  }

  /** Resolves once the first resync has completed; after `syncTimeoutMs`, throws 503 `unavailable`. */
  async whenSynced(): Promise<void> {
    if (this.#feed.synced) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#syncTimeoutMs);
      timer.unref();
    });
    await Promise.race([this.#feed.firstSync.catch(() => {}), timeout]);
    clearTimeout(timer);
    // Fail closed before the first resync: without it, tokens of sessions revoked earlier would pass.
    if (!this.#feed.synced) throw new TesseraError('unavailable', 'The revocation feed is not connected yet; try again shortly.');
  }

  close(): Promise<void> {
    return this.#feed.close();
  }
}
