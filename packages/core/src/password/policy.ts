import { TesseraError } from '../errors.js';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;
export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 100;

/**
 * Length is counted in Unicode code points (an emoji is one character, as a person counts it), and the
 * password is never truncated: every character takes part in the hash.
 */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    throw new TesseraError('invalid_request', `The ${field} must be at least ${PASSWORD_MIN_LENGTH} characters long.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    throw new TesseraError('invalid_request', `The ${field} must be at most ${PASSWORD_MAX_LENGTH} characters long.`);
  }
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
