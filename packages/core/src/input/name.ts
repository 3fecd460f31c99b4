import { TesseraError } from '../errors.js';
import { refuseBidiControls } from './text-rules.js';

export const NAME_MAX_LENGTH = 100;

/**
 * A display name: control characters, lone surrogates and bidi controls are refused (a name is shown to people
 * and written to logs; a right-to-left override makes it read as something else), everything else a person may
 * write is kept, joiners and emoji included. NFC so one name has one encoding; trimmed; empty means none.
 */
export function normalizeName(name: string | undefined | null): string | null {
  if (name === undefined || name === null) return null;
  refuseBidiControls(name, 'name');
  const trimmed = name.normalize('NFC').trim();
  if ([...trimmed].length > NAME_MAX_LENGTH) {
    throw new TesseraError('invalid_request', `The name must be at most ${NAME_MAX_LENGTH} characters long.`);
  }
  return trimmed === '' ? null : trimmed;
}
