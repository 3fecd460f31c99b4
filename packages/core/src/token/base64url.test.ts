import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCanonicalBase64url } from './base64url.js';

const roundTrips = (text: string) => /^[A-Za-z0-9_-]*$/.test(text) && Buffer.from(text, 'base64url').toString('base64url') === text;

describe('isCanonicalBase64url', () => {
  it('is exactly "only base64url characters and decode/encode gives the same text"', () => {
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= \n.é'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }), (chars) => {
        const text = chars.join('');
        expect(isCanonicalBase64url(text)).toBe(roundTrips(text));
      }),
      { numRuns: 5000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        expect(isCanonicalBase64url(Buffer.from(bytes).toString('base64url'))).toBe(true);
      }),
    );
  });

  it('refuses padding, whitespace, standard-alphabet characters, a dangling character and set spare bits', () => {
    for (const text of ['QQ==', 'QQ=', 'Q Q', 'QQ\n', 'fn5+', 'Pz8/', 'QUFBQ', 'QR', 'QUF']) {
      expect(isCanonicalBase64url(text)).toBe(false);
    }
    for (const text of ['', 'QQ', 'QUE', 'QUFB', 'fn5-', 'Pz8_']) expect(isCanonicalBase64url(text)).toBe(true);
  });
});
