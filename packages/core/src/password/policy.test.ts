import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { isCommonPassword } from './common-passwords.js';
import { checkPasswordPolicy } from './policy.js';

function refusal(password: string, email?: string): string {
  try {
    checkPasswordPolicy(password, 'password', email);
  } catch (error) {
    if (error instanceof TesseraError && error.code === 'invalid_request') return error.message;
    throw error;
  }
  return 'accepted';
}

describe('password policy: common passwords and the email', () => {
  it('refuses passwords from the shipped list of 10,000, ignoring case, and says why', () => {
    for (const password of ['password', '12345678', 'iloveyou', 'Password1', 'QWERTYUIOP', 'baseball']) {
      expect(refusal(password), password).toBe('This password is one of the most common passwords; choose another.');
    }
    expect(isCommonPassword('letmein')).toBe(true);
  });

  it('reads the whole list, comments excluded', () => {
    const lines = readFileSync(new URL('../../assets/common-passwords.txt', import.meta.url), 'utf8').split('\n');
    const entries = lines.filter((line) => line !== '' && !line.startsWith('#'));
    expect(entries.length).toBe(10_000);
    expect(isCommonPassword(entries.at(-1)!)).toBe(true);
    expect(isCommonPassword(lines[0]!)).toBe(false);
  });

  it('accepts the passwords the test suites use', () => {
    for (const password of ['correct horse battery', 'brand new password', 'a new password 1', 'a good long password', 'wrong password!']) {
      expect(refusal(password, 'ann@example.test'), password).toBe('accepted');
    }
  });

  it('refuses the email address itself, or its local part, whatever the case', () => {
    const message = 'This password is the email address (or its part before the @); choose another.';
    expect(refusal('annabelle@example.test', 'annabelle@example.test')).toBe(message);
    expect(refusal('AnnaBelle@Example.TEST', 'annabelle@example.test')).toBe(message);
    expect(refusal('annabelle', 'annabelle@example.test')).toBe(message);
    expect(refusal('ANNABELLE', 'annabelle@example.test')).toBe(message);
    expect(refusal('annabelle!', 'annabelle@example.test')).toBe('accepted');
    expect(refusal('annabelle', undefined)).toBe('accepted');
  });

  it('still checks length first, in code points', () => {
    expect(refusal('short')).toMatch(/at least 8/);
    expect(refusal('y'.repeat(129))).toMatch(/at most 128/);
  });
});
