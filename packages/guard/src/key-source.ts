import type { SigningAlg, VerificationKey } from '@tessera/core/token';
import { keysFromJwks } from './jwks-keys.js';
import type { GuardFetch } from './options.js';

export type KeyRefreshTrigger = 'stale' | 'unknown-kid' | 'announced';

/** Where the guard's verifier finds keys: a fetched JWKS, or one fixed key. */
export interface KeySource {
  /** Exact kid lookup (a Map.get); what core's verifier calls as `resolveKey`. */
  resolve(kid: string): VerificationKey | undefined;
  /** True when the keys should be (re)loaded before verifying: never loaded, or older than maxAge. */
  readonly stale: boolean;
  /**
   * Loads the keys, because they are stale or because a token named an unknown kid, unless a cooldown is running;
   * concurrent callers share one fetch. `announced` (the issuer said on the Redis feed that its keys changed)
   * ignores the cooldown and always starts a fetch of its own, after any fetch already under way, so the keys it
   * loads are at least as new as the announcement. Never rejects.
   */
  refresh(trigger: KeyRefreshTrigger): Promise<void>;
  /** Whether the latest attempt to load the keys failed. */
  readonly failing: boolean;
  /** Grows whenever a kid disappears or changes key, so a verified-token cache built on the old keys is dropped. */
  readonly generation: number;
}

export function staticKeySource(key: VerificationKey): KeySource {
  return { resolve: (kid) => (kid === key.kid ? key : undefined), stale: false, failing: false, generation: 0, refresh: () => Promise.resolve() };
}

const FETCH_TIMEOUT_MS = 5_000;
const MAX_JWKS_BYTES = 1 << 20;

export interface JwksKeySourceOptions {
  url: string;
  fetch: GuardFetch;
  cooldownMs: number;
  maxAgeMs: number;
  algorithms: ReadonlySet<SigningAlg>;
  now: () => number;
}

/**
 * The keys of a JWKS URL, cached. A fetch replaces the whole set, so a key the issuer stopped publishing stops
 * verifying after the next fetch. Fetches happen when the set is older than maxAge, or when a token names an
 * unknown kid. A cooldown starts at every unknown-kid fetch and every failed fetch, and no fetch starts while it
 * runs: a flood of tokens with made-up kids (a cheap way to make a service hammer its issuer) costs one fetch per
 * cooldown, not one per request, and an issuer that is down is retried once per cooldown. A successful routine
 * load starts no cooldown, so a key rotated just after the guard started is picked up by the first token using it.
 */
export class JwksKeySource implements KeySource {
  readonly #options: JwksKeySourceOptions;
  #keys = new Map<string, VerificationKey>();
  #loadedAt = Number.NEGATIVE_INFINITY;
  #cooldownFrom = Number.NEGATIVE_INFINITY;
  #inflight: Promise<void> | undefined;
  /** An announced fetch waiting for the one in flight to finish. */
  #queued: Promise<void> | undefined;
  #failing = false;
  #generation = 0;
  /** The reason of the latest failed load, for diagnostics; never sent to clients. */
  lastError: Error | undefined;

  constructor(options: JwksKeySourceOptions) {
    this.#options = options;
  }

  readonly resolve = (kid: string): VerificationKey | undefined => this.#keys.get(kid);

  get stale(): boolean {
    return this.#options.now() - this.#loadedAt >= this.#options.maxAgeMs;
  }

  get failing(): boolean {
    return this.#failing;
  }

  get generation(): number {
    return this.#generation;
  }

  refresh(trigger: KeyRefreshTrigger): Promise<void> {
    if (trigger === 'announced') {
      // A fetch already under way may have left before the issuer changed its keys: queue a new one behind it.
      // Announcements arriving while one is queued join it, so a burst of messages costs one fetch.
      if (this.#queued !== undefined) return this.#queued;
      const before = this.#inflight ?? Promise.resolve();
      const queued = this.#track(
        before.then(() => {
          this.#queued = undefined;
          return this.#load(this.#options.now());
        }),
      );
      this.#queued = queued;
      return queued;
    }
    if (this.#inflight !== undefined) return this.#inflight;
    const startedAt = this.#options.now();
    if (startedAt - this.#cooldownFrom < this.#options.cooldownMs) return Promise.resolve();
    if (trigger === 'unknown-kid') this.#cooldownFrom = startedAt;
    return this.#track(this.#load(startedAt));
  }

  /** Makes `load` the fetch later callers share, until it settles (unless a newer one replaced it by then). */
  #track(load: Promise<void>): Promise<void> {
    const tracked: Promise<void> = load.finally(() => {
      if (this.#inflight === tracked) this.#inflight = undefined;
    });
    this.#inflight = tracked;
    return tracked;
  }

  async #load(startedAt: number): Promise<void> {
    try {
      const next = keysFromJwks(await this.#fetchDocument(), this.#options.algorithms);
      for (const [kid, key] of next) {
        // Keep the KeyObject we already have for an unchanged key (its checked signature length is cached on it).
        const known = this.#keys.get(kid);
        if (known !== undefined && known.alg === key.alg && known.key.equals(key.key)) next.set(kid, known);
      }
      if ([...this.#keys].some(([kid, key]) => next.get(kid) !== key)) this.#generation += 1;
      this.#keys = next;
      this.#loadedAt = this.#options.now();
      this.#failing = false;
      this.lastError = undefined;
    } catch (error) {
      this.#failing = true;
      this.#cooldownFrom = startedAt;
      this.lastError = error instanceof Error ? error : new Error(String(error));
    }
  }

  async #fetchDocument(): Promise<unknown> {
    const response = await this.#options.fetch(this.#options.url, {
      headers: { accept: 'application/json' },
      // A redirect could point the guard at keys on another host; the configured URL must answer itself.
      redirect: 'manual',
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`the JWKS answered ${response.status}`);
    }
    if (Number(response.headers.get('content-length') ?? 0) > MAX_JWKS_BYTES) {
      await response.body?.cancel();
      throw new Error('the JWKS is larger than 1 MiB');
    }
    const text = await response.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error('the JWKS is larger than 1 MiB');
    return JSON.parse(text) as unknown;
  }
}
