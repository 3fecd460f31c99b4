import { availableParallelism } from 'node:os';
import { TesseraError } from '../errors.js';

/**
 * How much password hashing may run at once in this process, and how much may wait.
 *
 * argon2 runs on libuv's thread pool. Unbounded, a login storm puts a hash on every pool thread and every core,
 * and the event loop — which verifies access tokens for every other request — waits for CPU behind them (a p99
 * of 2.7 ms went to 22 ms with 8 logins in flight). So at most `concurrency` hashes run at once, by default one
 * fewer than the cores (at least one), leaving a core to the event loop; up to `maxWaiting` more wait their turn,
 * and beyond that a login is answered at once with 503 and `Retry-After` instead of piling up behind the rest.
 * The thread pool is per process, so this is too: one queue shared by every auth instance in the process.
 */
export interface PasswordWorkLimits {
  concurrency: number;
  maxWaiting: number;
}

export interface PasswordWorkStats {
  running: number;
  waiting: number;
  /** Hashes that ran since the process started (or the last `resetPasswordWorkStats`). */
  completed: number;
  /** Requests answered 503 because the queue was full. */
  refused: number;
  /** Total and longest time spent waiting for a turn, in ms. */
  waitedMs: number;
  maxWaitMs: number;
}

export function defaultPasswordWorkLimits(cores = availableParallelism()): PasswordWorkLimits {
  const concurrency = Math.max(1, cores - 1);
  // ~20 ms per hash here: 16 waiting per worker is a third of a second of queue, long before a client times out.
  return { concurrency, maxWaiting: 16 * concurrency };
}

/** Seconds a refused caller is told to wait: a full queue drains in well under that. */
const RETRY_AFTER_SECONDS = 1;

let limits = defaultPasswordWorkLimits();
let running = 0;
const waiting: Array<() => void> = [];
const stats = { completed: 0, refused: 0, waitedMs: 0, maxWaitMs: 0 };

/** Changes the limits (tests, benchmarks, a host that knows its CPU share better than the core count). */
export function configurePasswordWork(next: PasswordWorkLimits): void {
  if (!Number.isInteger(next.concurrency) || next.concurrency < 1) throw new RangeError('concurrency must be an integer ≥ 1');
  if (!Number.isInteger(next.maxWaiting) || next.maxWaiting < 0) throw new RangeError('maxWaiting must be an integer ≥ 0');
  limits = { ...next };
  // Raised limits let waiting work start now.
  while (running < limits.concurrency && waiting.length > 0) {
    running += 1;
    waiting.shift()!();
  }
}

export function passwordWorkStats(): PasswordWorkStats {
  return { running, waiting: waiting.length, ...stats };
}

export function resetPasswordWorkStats(): void {
  Object.assign(stats, { completed: 0, refused: 0, waitedMs: 0, maxWaitMs: 0 });
}

/** Runs one hash or verification when a turn is free; rejects with 503 `unavailable` when the queue is full. */
export async function runPasswordWork<T>(task: () => Promise<T>): Promise<T> {
  if (running < limits.concurrency) {
    running += 1;
  } else {
    if (waiting.length >= limits.maxWaiting) {
      stats.refused += 1;
      throw new TesseraError('unavailable', 'The server is busy checking passwords; try again in a moment.', { retryAfter: RETRY_AFTER_SECONDS });
    }
    const queuedAt = performance.now();
    // The finishing task hands its turn over directly (`running` stays counted), so nobody can cut in between.
    await new Promise<void>((resolve) => waiting.push(resolve));
    const waited = performance.now() - queuedAt;
    stats.waitedMs += waited;
    stats.maxWaitMs = Math.max(stats.maxWaitMs, waited);
  }
  try {
    return await task();
  } finally {
    stats.completed += 1;
    const next = running <= limits.concurrency ? waiting.shift() : undefined;
    if (next) next();
    else running -= 1;
  }
}
