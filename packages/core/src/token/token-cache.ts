import type { AccessTokenClaims } from './types.js';

/**
 * Fully verified tokens, keyed by the exact token string (never a hash or a prefix, so two tokens can never
 * share an entry). Bounded: at capacity the oldest entry is evicted first (Map keeps insertion order).
 */
export class TokenCache {
  readonly #entries = new Map<string, AccessTokenClaims>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(token: string): AccessTokenClaims | undefined {
    return this.#entries.get(token);
  }

  add(token: string, claims: AccessTokenClaims): void {
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, claims);
  }

  delete(token: string): void {
    this.#entries.delete(token);
  }
}
