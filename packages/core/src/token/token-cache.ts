import type { AccessTokenClaims } from './types.js';

interface Entry {
  token: string;
  claims: AccessTokenClaims;
}

/**
 * Fully verified tokens. An entry is found by the token's signature segment and then matched against the exact
 * token string, so a hit always means "this very token" (a transplanted signature on another payload is a miss
 * and goes through full verification), while the hash V8 computes per request covers ~86 characters instead of
 * the whole token — on a cache hit that hash was the largest single cost. Bounded: at capacity the oldest entry
 * is evicted first (Map keeps insertion order).
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(token: string): AccessTokenClaims | undefined {
    const entry = this.#entries.get(signatureOf(token));
    return entry !== undefined && entry.token === token ? entry.claims : undefined;
  }

  add(token: string, claims: AccessTokenClaims): void {
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(signatureOf(token), { token, claims });
  }

  delete(token: string): void {
    const key = signatureOf(token);
    if (this.#entries.get(key)?.token === token) this.#entries.delete(key);
  }
}

function signatureOf(token: string): string {
  return token.slice(token.lastIndexOf('.') + 1);
}
