import { TesseraError } from '@tessera/core';

/** The TesseraError a promise rejects with; anything else (including resolving) fails the test. */
export async function tesseraFailure(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw error;
  }
  throw new Error('expected a TesseraError');
}

/** The TesseraError a synchronous call throws; anything else (including returning) fails the test. */
export function tesseraThrown(run: () => unknown): TesseraError {
  try {
    run();
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw error;
  }
  throw new Error('expected a TesseraError');
}
