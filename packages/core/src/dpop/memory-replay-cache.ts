import { TesseraError } from '../errors.js';
import type { DpopReplayCache } from './types.js';

export interface MemoryReplayCacheOptions {
  /** Most proof identifiers held at once; past it new proofs are refused (429) until old ones expire. Default 200000. */
  maxEntries?: number;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * The replay cache of one process. Behind several instances it does not stop a proof replayed against another
 * instance: configure Redis there (`@tessera/store-redis`'s `createRedisDpopReplayCache`).
 */
export function createMemoryReplayCache(options: MemoryReplayCacheOptions = {}): DpopReplayCache & { size(): number } {
  const maxEntries = options.maxEntries ?? 200_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new TypeError('maxEntries must be a positive integer');
  const now = options.now ?? Date.now;
  // Insertion order is nearly expiry order (every entry lives the same proof lifetime), so sweeping from the front stops early.
  const seen = new Map<string, number>();

  function sweep(at: number, all: boolean): void {
    for (const [id, expiresAt] of seen) {
      if (expiresAt <= at) seen.delete(id);
      else if (!all) return;
    }
  }

  return {
    claim(id, expiresAtMs) {
      const at = now();
      sweep(at, false);
      const known = seen.get(id);
      if (known !== undefined && known > at) return false;
      if (seen.size >= maxEntries) {
        sweep(at, true);
        // Fail closed: forgetting a live identifier would let its proof be replayed.
        if (seen.size >= maxEntries) throw new TesseraError('rate_limited', 'Too many DPoP proofs at once; try again shortly.', { retryAfter: 5 });
      }
      seen.delete(id);
      seen.set(id, expiresAtMs);
      return true;
    },
    size: () => seen.size,
  };
}
