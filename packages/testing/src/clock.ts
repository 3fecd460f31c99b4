/** A clock tests move by hand: code under test reads `now()`, the test calls `advance` or `set`; nobody sleeps. */
export interface FixedClock {
  /** Milliseconds since the epoch. */
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

export function createFixedClock(startMs: number): FixedClock {
  let current = startMs;
  return {
    now: () => current,
    advance(ms) {
      current += ms;
    },
    set(ms) {
      current = ms;
    },
  };
}
