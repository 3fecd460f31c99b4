import { TesseraError } from '@tessera/core/errors';
import { parseKeyRotationMessage, parseRevocationMessage, RevokedSessions } from '@tessera/core/session';
import type { Redis } from 'ioredis';
import type { ResolvedRevocation } from './options.js';

/**
 * The consumer side of the Redis revocation feed (docs/revocation-feed.md): a deny set of session ids fed by
 * pub/sub, resynced from the sorted set on every (re)connect of the subscriber — subscribe first, then read, so
 * nothing published in between is lost. While the subscriber is disconnected, revocations made meanwhile take
 * effect at the resync that follows the reconnect.
 *
 * It also listens on the keys channel: when the issuer announces that its keys changed (a rotation, or a leaked
 * key withdrawn by `tessera keys revoke`), `onKeysAnnounced` runs, so the guard refetches the JWKS at once instead
 * of accepting a withdrawn key's tokens until its next scheduled fetch.
 */
export class RevocationSubscriber {
  readonly #options: ResolvedRevocation;
  readonly #revoked: RevokedSessions;
  readonly #now: () => number;
  readonly #channel: string;
  readonly #sortedSet: string;
  readonly #keysChannel: string;
  readonly #subscriber: Redis;
  #synced = false;
  #closed = false;
  #markFirstSync: () => void = () => {};
  readonly #firstSync = new Promise<void>((resolve) => {
    this.#markFirstSync = resolve;
  });

  constructor(options: ResolvedRevocation, now: () => number, onKeysAnnounced: () => void = () => {}) {
    this.#options = options;
    this.#now = now;
    this.#revoked = new RevokedSessions({ accessTtlSeconds: options.keepMs / 1000, clockToleranceSeconds: 0, now });
    this.#channel = `${options.keyPrefix}revocations`;
    this.#sortedSet = `${options.keyPrefix}revoked`;
    this.#keysChannel = `${options.keyPrefix}keys`;
    // Our own connection: a subscribed connection can run no other command, and the caller's client stays theirs.
    // We resubscribe ourselves on every `ready`, so the resync always follows a confirmed subscription; and it
    // connects at once even when the caller's client is lazy, since nothing else would ever make it connect.
    this.#subscriber = options.redis.duplicate({ autoResubscribe: false, lazyConnect: false });
    this.#subscriber.on('error', (error: Error) => this.#options.onError(error));
    this.#subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.#keysChannel) {
        if (parseKeyRotationMessage(text) !== null) onKeysAnnounced();
        return;
      }
      if (channel !== this.#channel) return;
      const message = parseRevocationMessage(text);
      if (message !== null) for (const sid of message.sessionIds) this.#revoked.add(sid, message.revokedAt);
    });
    this.#subscriber.on('ready', () => {
      this.#resync().catch((error: unknown) => this.#resyncFailed(error));
    });
  }

  /** True when `sid` was revoked within keepMs: a Map lookup, safe on the hot path. */
  readonly isRevoked = (sid: string): boolean => this.#revoked.has(sid);

  /** Whether the first resync has completed. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Resolves once the first resync has completed; after `syncTimeoutMs`, throws 503 `unavailable`. */
  async whenSynced(): Promise<void> {
    if (this.#synced) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.syncTimeoutMs);
      timer.unref();
    });
    await Promise.race([this.#firstSync, timeout]);
    clearTimeout(timer);
    // Fail closed before the first resync: without it, tokens of sessions revoked earlier would pass.
    if (!this.#synced) throw new TesseraError('unavailable', 'The revocation feed is not connected yet; try again shortly.');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // QUIT waits for a live connection; a connection that is down or retrying is just dropped.
    if (this.#subscriber.status !== 'ready') return this.#subscriber.disconnect();
    await this.#subscriber.quit().catch(() => this.#subscriber.disconnect());
  }

  async #resync(): Promise<void> {
    await this.#subscriber.subscribe(this.#channel, this.#keysChannel);
    const since = this.#now() - this.#options.keepMs;
    const flat = await this.#options.redis.zrangebyscore(this.#sortedSet, since, '+inf', 'WITHSCORES');
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const revokedAt = Number(flat[i + 1]);
      if (Number.isFinite(revokedAt)) this.#revoked.add(flat[i] as string, revokedAt);
    }
    this.#synced = true;
    this.#markFirstSync();
  }

  #resyncFailed(error: unknown): void {
    if (this.#closed) return;
    this.#options.onError(new Error(`the resync from ${this.#sortedSet} failed, reconnecting: ${error instanceof Error ? error.message : String(error)}`));
    // A missed resync could hide revocations; reconnecting runs it again.
    this.#subscriber.disconnect(true);
  }
}
