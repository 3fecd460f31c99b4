import { TesseraError } from '../errors.js';

/** `invalid_token` with a sentence saying what is wrong. Callers never put the token or its parts in it. */
export function invalidToken(reason: string): TesseraError {
  return new TesseraError('invalid_token', reason);
}
