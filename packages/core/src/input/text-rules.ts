import { TesseraError } from '../errors.js';

/**
 * Characters no store or person can be trusted to handle the same way twice:
 * - Cc: C0/C1 controls and DEL. NUL is refused by PostgreSQL (a 500 before this check) and kept by SQLite and
 *   MySQL, where `victim@example.test\u0000` became a second account that prints like the first.
 * - Cs: a lone surrogate (a JSON `\ud800` escape). It is not a character; the drivers and the password hasher
 *   turn every one of them into U+FFFD, so different ones would name the same account or match the same hash.
 * - Zl, Zp: line and paragraph separators, which break log lines and displays.
 */
const CONTROL = /[\p{Cc}\p{Cs}\p{Zl}\p{Zp}]/u;

/**
 * Characters that draw nothing or reorder what is drawn: format characters (zero-width space and joiners, soft
 * hyphen, BOM, the bidi overrides and isolates, tag characters), every Default_Ignorable_Code_Point (Hangul
 * fillers, variation selectors, …), private-use and unassigned code points. In an identifier each one makes an
 * invisible twin of an existing account (`ann\u200b@example.test` looks like `ann@example.test`).
 */
const INVISIBLE = /[\p{Cf}\p{Co}\p{Cn}\p{Default_Ignorable_Code_Point}]/u;

/** Overrides, embeddings, isolates and marks: they make a displayed name read differently from what it is. */
const BIDI_CONTROL = /\p{Bidi_Control}/u;

/** Refuses control characters and lone surrogates (every free-text field: passwords, names). */
export function refuseControlCharacters(value: string, field: string): void {
  if (CONTROL.test(value)) {
    throw new TesseraError('invalid_request', `The ${field} contains a control character or an invalid character.`);
  }
}

/** Refuses what `refuseControlCharacters` refuses plus every invisible character (identifiers: emails). */
export function refuseInvisibleCharacters(value: string, field: string): void {
  refuseControlCharacters(value, field);
  if (INVISIBLE.test(value)) {
    throw new TesseraError('invalid_request', `The ${field} contains an invisible or formatting character.`);
  }
}

/** Refuses what `refuseControlCharacters` refuses plus the bidi controls (displayed text: names). */
export function refuseBidiControls(value: string, field: string): void {
  refuseControlCharacters(value, field);
  if (BIDI_CONTROL.test(value)) {
    throw new TesseraError('invalid_request', `The ${field} contains a text-direction control character.`);
  }
}
