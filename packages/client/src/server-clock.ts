import { originOf } from './options.js';

/** Below this, a difference from the server's `Date` (whole seconds) is rounding and latency, not a wrong clock. */
const CLOCK_SKEW_IGNORED_MS = 2_000;

/**
 * The servers' time as this device reckons it: the device clock plus the offset each server's last `Date` header
 * showed, kept per origin. Token lifetimes (`exp`) are the auth server's time and DPoP proofs (`iat`) are checked
 * on the clock of the server they go to; a phone set ten minutes ahead would otherwise see every token as expired
 * on arrival and sign every proof from the future. Per origin, so that an API whose clock is off moves neither the
 * refresh timer nor the proofs for the auth server.
 */
export interface ServerClock {
  /** The time at `origin` (default: the auth server's); an origin not heard from yet counts as the auth server. */
  now(origin?: string): number;
  /** Reads a response's `Date`. True when that origin's offset moved by more than rounding: what it refused may pass now. */
  observe(url: string, headers: { get(name: string): string | null }): boolean;
}

export function createServerClock(deviceClock: () => number, authServerUrl: string): ServerClock {
  const authOrigin = originOf(authServerUrl || '/') ?? '';
  const offsets = new Map<string, number>();
  const offsetOf = (origin: string): number => offsets.get(origin) ?? offsets.get(authOrigin) ?? 0;
  return {
    now: (origin = authOrigin) => deviceClock() + offsetOf(origin),
    observe(url, headers) {
      const origin = originOf(url);
      const date = Date.parse(headers.get('date') ?? '');
      if (origin === null || !Number.isFinite(date)) return false;
      // `Date` has whole seconds: the server's time lies somewhere in the second it names, half of one either way.
      const skew = date + 500 - deviceClock();
      const next = Math.abs(skew) > CLOCK_SKEW_IGNORED_MS ? skew : 0;
      const changed = Math.abs(next - offsetOf(origin)) > CLOCK_SKEW_IGNORED_MS;
      offsets.set(origin, next);
      return changed;
    },
  };
}
