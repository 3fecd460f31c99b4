import type { Stores } from '@tessera/core';

export interface ConformanceContext {
  /** The stores of the running test (a fresh, empty set per test). */
  stores(): Stores;
  /** How many callers race in the concurrency tests. */
  concurrency: number;
}

/** Starts every call before awaiting any, so they genuinely race. */
export async function race<T>(count: number, call: (index: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => call(i)));
}
