import type { AccessTokenClaims } from './types.js';

/** A verified token's claims and the kid of the key that verified it. */
export interface CachedToken {
  claims: AccessTokenClaims;
  kid: string;
}

interface Entry extends CachedToken {
  token: string;
}

/**
 * Fully verified tokens. An entry is found by the last KEY_LENGTH characters of the token (the end of its
 * signature: ~140 bits no one can choose without the signing key) and then matched against the exact token
 * string, so a hit always means "this very token" (a transplanted signature on another payload is a miss and goes
 * through full verification; two tokens sharing a key only evict each other). The hash V8 computes per request
 * then covers 24 characters instead of the whole token: on a cache hit that hash was the largest single cost.
 * Bounded: at capacity the oldest entry is evicted first (Map keeps insertion order).
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(token: string): CachedToken | undefined {
    const entry = this.#entries.get(keyOf(token));
    return entry !== undefined && entry.token === token ? entry : undefined;
  }

  add(token: string, claims: AccessTokenClaims, kid: string): void {
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(keyOf(token), { token, claims, kid });
  }

  delete(token: string): void {
    const key = keyOf(token);
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
  }
}

const KEY_LENGTH = 24;

function keyOf(token: string): string {
  return token.slice(-KEY_LENGTH);
}
