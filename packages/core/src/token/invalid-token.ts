import { TesseraError, type TokenFailureReason } from '../errors.js';

/** `invalid_token` with the check that failed and a sentence saying what is wrong. Never the token or its parts. */
export function invalidToken(reason: TokenFailureReason, sentence: string): TesseraError {
  return new TesseraError('invalid_token', sentence, { reason });
}
