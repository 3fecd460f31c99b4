import { createHash } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
/** Crockford-like alphabet without 0/o, 1/l/i: codes are read off paper and typed by hand. */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const CODE_CHARS = 12;

/**
 * Ten single-use codes of 12 characters from a 31-letter alphabet (about 59 bits each: far beyond online
 * guessing under the account lockout), shown as `xxxx-xxxx-xxxx`. Only their SHA-256 is stored; the entropy is
 * high enough that a slow hash buys nothing.
 */
export function createRecoveryCodes(randomBytes: (size: number) => Uint8Array): string[] {
  const codes: string[] = [];
  for (let i = 0; i < RECOVERY_CODE_COUNT; i++) {
    let code = '';
    // Rejection sampling keeps every letter equally likely (256 is not a multiple of 31).
    while (code.length < CODE_CHARS) {
      for (const byte of randomBytes(CODE_CHARS)) {
        if (byte < 248 && code.length < CODE_CHARS) code += ALPHABET[byte % ALPHABET.length];
      }
    }
    codes.push(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`);
  }
  return codes;
}

/** Case, spaces and dashes do not matter when a code is typed back; null when it cannot be one of ours. */
export function normalizeRecoveryCode(input: string): string | null {
  const compact = input.toLowerCase().replace(/[\s-]/g, '');
  if (compact.length !== CODE_CHARS) return null;
  for (const char of compact) if (!ALPHABET.includes(char)) return null;
  return compact;
}

export function hashRecoveryCode(normalized: string): string {
  return createHash('sha256').update(normalized).digest('base64url');
}
