import { TesseraError } from '../errors.js';
import { isCommonPassword } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;

/**
 * Length is counted in Unicode code points (an emoji is one character, as a person counts it), and the
 * password is never truncated: every character takes part in the hash. It may not be one of the 10,000 most
 * common passwords nor, given the account's email, the email or its part before the @: those are the first
 * guesses of any password-spraying or guessing attack. Applied on signup, password change and `users create`.
 */
export function checkPasswordPolicy(password: string, field = 'password', email?: string): void {
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

// Deliberately loose (one @, something on each side, a dot in the domain, no spaces): the only real test of an
// address is mail reaching it; this only stops obvious mistakes.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims and lower-cases, so `Ann@Example.com ` and `ann@example.com` are one account. */
export function normalizeEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(normalized)) {
    throw new TesseraError('invalid_request', 'The email address is not valid.');
  }
  return normalized;
}

export function normalizeName(name: string | undefined | null): string | null {
  if (name === undefined || name === null) return null;
  const trimmed = name.trim();
  if ([...trimmed].length > NAME_MAX_LENGTH) {
    throw new TesseraError('invalid_request', `The name must be at most ${NAME_MAX_LENGTH} characters long.`);
  }
  return trimmed === '' ? null : trimmed;
}
