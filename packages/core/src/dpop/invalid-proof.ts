import { TesseraError, type DpopFailureReason } from '../errors.js';

/** `invalid_dpop_proof` with the check that failed and a sentence saying what is wrong. Never the proof or key. */
export function invalidProof(reason: DpopFailureReason, sentence: string, cause?: unknown): TesseraError {
  return new TesseraError('invalid_dpop_proof', sentence, cause === undefined ? { reason } : { reason, cause });
}
