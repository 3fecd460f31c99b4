import { rankedList } from './ranked-list.js';

/**
 * Whether a password is one of the 10,000 most common (`assets/common-passwords.txt`), ignoring case: `Password1`
 * is guessed as early as `password1`. Stops the credential-stuffing and password-spraying attacks that try exactly
 * these first.
 */
export function isCommonPassword(password: string): boolean {
  return rankedList('common-passwords.txt').has(password.toLowerCase());
}
