import { TesseraError } from '../errors.js';
import { refuseControlCharacters } from '../input/text-rules.js';
import { isCommonPassword } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * What any presented password must be, new or not (login, the current password of a change): free of control
 * characters (C0, C1, DEL, NUL) and lone surrogates. A lone surrogate reaches the hasher as U+FFFD, so two
 * different ones would both match; a control character is never typed by a person. Any other character is
 * allowed: spaces, emoji, joiners and every script (passwords are normalised with NFKC before hashing; see hash.ts).
 */
export function checkPasswordCharacters(password: string, field = 'password'): void {
  refuseControlCharacters(password, field);
}

/**
 * A new password: the characters of `checkPasswordCharacters`, then length counted in Unicode code points of
 * the NFKC form that is hashed (an emoji is one character, as a person counts it), and the password is never
 * truncated: every character takes part in the hash. It may not be one of the 10,000 most common passwords
 * nor, given the account's email, the email or its part before the @: those are the first guesses of any
 * password-spraying or guessing attack. Applied on signup, password change and `users create`.
 */
export function checkPasswordPolicy(rawPassword: string, field = 'password', email?: string): void {
  checkPasswordCharacters(rawPassword, field);
  const password = rawPassword.normalize('NFKC');
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new TesseraError('invalid_request', `The ${field} must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new TesseraError('invalid_request', `The ${field} must be at most ${PASSWORD_MAX_LENGTH} characters long.`);
  }
  if (isCommonPassword(password)) {
    throw new TesseraError('invalid_request', 'This password is one of the most common passwords; choose another.');
  }
  if (email !== undefined && isEmailLike(password, email)) {
    throw new TesseraError('invalid_request', 'This password is the email address (or its part before the @); choose another.');
  }
}

function isEmailLike(password: string, email: string): boolean {
  const folded = password.trim().toLowerCase();
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  return folded === address || (at > 0 && folded === address.slice(0, at));
}
