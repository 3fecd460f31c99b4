/** Below this, a difference from the server's `Date` (whole seconds) is rounding and latency, not a wrong clock. */
const CLOCK_SKEW_IGNORED_MS = 2_000;

/**
 * The servers' time as this device reckons it: the device clock plus the offset the last `Date` header showed.
 * Token lifetimes (`exp`) and DPoP proofs (`iat`) are in the server's time; a phone set ten minutes ahead would
 * otherwise see every token as expired on arrival and sign every proof from the future.
 */
export interface ServerClock {
  now(): number;
  /** Reads a response's `Date`. True when the offset moved by more than rounding: what the server refused may pass now. */
  observe(headers: { get(name: string): string | null }): boolean;
}

export function createServerClock(deviceClock: () => number): ServerClock {
  let skewMs = 0;
  return {
    now: () => deviceClock() + skewMs,
    observe(headers) {
      const date = Date.parse(headers.get('date') ?? '');
      if (!Number.isFinite(date)) return false;
      // `Date` has whole seconds: the server's time lies somewhere in the second it names, half of one either way.
      const skew = date + 500 - deviceClock();
      const next = Math.abs(skew) > CLOCK_SKEW_IGNORED_MS ? skew : 0;
      const changed = Math.abs(next - skewMs) > CLOCK_SKEW_IGNORED_MS;
      skewMs = next;
      return changed;
    },
  };
}
