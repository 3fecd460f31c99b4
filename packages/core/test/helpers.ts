// Helpers for core's own tests. Core imports nothing of ours, its tests included: these few lines stand in for
// what @tessera/testing offers other packages.
import { TesseraError } from '../src/errors.js';

/** The TesseraError a promise rejects with; anything else (including resolving) fails the test. */
export async function failure(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw error;
  }
  throw new Error('expected a TesseraError');
}

/** The TesseraError a synchronous call throws; anything else (including returning) fails the test. */
export function refusal(run: () => unknown): TesseraError {
  try {
    run();
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw error;
  }
  throw new Error('expected a TesseraError');
}

/** 'ok' when the promise resolves, else the code of the TesseraError it rejects with (anything else is rethrown). */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof TesseraError) return error.code;
    throw error;
  }
}

/** The same for a synchronous call. */
export function codeOfSync(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof TesseraError) return error.code;
    throw error;
  }
}

/** A clock tests move by hand. */
export interface FixedClock {
  now(): number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function createFixedClock(startMs: number): FixedClock {
  let current = startMs;
  return {
    now: () => current,
    set: (ms) => void (current = ms),
    advance: (ms) => void (current += ms),
  };
}
