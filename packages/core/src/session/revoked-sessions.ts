import type { RevokedSession, SessionStore } from '../store/types.js';

/**
 * The in-memory deny set that makes revocation take effect at once while verification stays a Map lookup.
 * A session id is kept only as long as an access token of that session can still be valid: its revocation
 * time plus the access lifetime plus the clock tolerance. After that every token of it has expired anyway.
 */
export class RevokedSessions {
  readonly #until = new Map<string, number>();
  readonly #keepMs: number;
  readonly #now: () => number;
  #nextPruneAt = 0;

  constructor(options: { accessTtlSeconds: number; clockToleranceSeconds: number; now: () => number }) {
    this.#keepMs = (options.accessTtlSeconds + options.clockToleranceSeconds) * 1000;
    this.#now = options.now;
  }

  /** Loads the revocations recent enough to still matter (at start, and after a feed reconnect). */
  async load(store: SessionStore): Promise<void> {
    const revoked = await store.listRevokedSince(new Date(this.#now() - this.#keepMs));
    for (const session of revoked) this.add(session.id, session.revokedAt.getTime());
  }

  add(sessionId: string, revokedAtMs: number = this.#now()): void {
    const until = revokedAtMs + this.#keepMs;
    if (until > (this.#until.get(sessionId) ?? 0)) this.#until.set(sessionId, until);
    this.#prune();
  }

  addAll(sessions: readonly RevokedSession[]): void {
    for (const session of sessions) this.add(session.id, session.revokedAt.getTime());
  }

  has(sessionId: string): boolean {
    const until = this.#until.get(sessionId);
    return until !== undefined && until > this.#now();
  }

  get size(): number {
    return this.#until.size;
  }

  #prune(): void {
    const now = this.#now();
    if (now < this.#nextPruneAt) return;
    this.#nextPruneAt = now + 60_000;
    for (const [sessionId, until] of this.#until) if (until <= now) this.#until.delete(sessionId);
  }
}
