import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { estimateSecretStrength, MIN_SECRET_BITS } from './secret-strength.js';
import { parseSecret } from './secrets.js';

function refusal(text: string, name?: string): string {
  try {
    parseSecret(text, name);
  } catch (error) {
    expect(error).toBeInstanceOf(RangeError);
    return (error as Error).message;
  }
  throw new Error('expected the secret to be refused');
}

describe('parseSecret refuses secrets a dictionary attack finds', () => {
  // The HKDF derivation is public: from one HS256 token, an attacker tests guesses offline. Each of these passed
  // the old 32-byte length check and falls within the first few million guesses.
  it.each([
    ['a word repeated to length', 'secretsecretsecretsecretsecretse', 'it repeats a short pattern'],
    ['one character', 'a'.repeat(32), 'it repeats a short pattern'],
    ['64 hex zeros (read as 32 zero bytes)', '0'.repeat(64), 'it repeats a short pattern'],
    ['a short hex pattern', 'ab'.repeat(32), 'it repeats a short pattern'],
    ['deadbeef', 'deadbeef'.repeat(8), 'it repeats a short pattern'],
    ['hex zeros with a final 1', `${'0'.repeat(63)}1`, 'it repeats a short pattern'],
    ['a l33t password repeated', 'P@ssw0rdP@ssw0rdP@ssw0rdP@ssw0rd', 'it repeats a short pattern'],
    ['the alphabet and the digits', 'abcdefghijklmnopqrstuvwxyz0123456789', 'it is mostly a run like abcd, 1234 or a keyboard row'],
    ['keyboard rows walked backwards', 'mnbvcxzlkjhgfdsapoiuytrewq123456', 'it is mostly a run like abcd, 1234 or a keyboard row'],
    ['words people write as a secret', 'my-super-secret-jwt-signing-key-123', 'it is made of common words or passwords'],
    ['a sentence', 'ThisIsMySuperSecretKeyForTessera2024', 'it is made of common words or passwords'],
    ['a short passphrase', 'correct horse battery staple correct', 'it is made of common words or passwords'],
    ['32 random digits (106 bits at most)', '91065421976669870512430259442964', 'it is too short for the few kinds of characters it uses'],
  ])('%s', (_case, secret, reason) => {
    const message = refusal(secret);
    expect(message).toMatch(new RegExp(`^TESSERA_SECRET is too easy to guess \\(${reason.replace(/[(),]/g, '\\$&')}: about \\d+ bits where 112 are needed\\); run "npx tessera secret" for a random one$`));
    expect(message).not.toContain(secret.slice(0, 8));
  });

  it('names where the secret came from, and still refuses short ones by length first', () => {
    expect(refusal('a'.repeat(32), 'the secret file /srv/data/secret')).toMatch(/^the secret file \/srv\/data\/secret is too easy to guess/);
    expect(refusal('hunter2hunter2')).toBe('TESSERA_SECRET is 14 bytes; it must be at least 32 bytes (run "npx tessera secret" for one)');
  });

  it('accepts what `tessera secret` prints, and random bytes however they are encoded', () => {
    const secret = randomBytes(32).toString('hex');
    expect(parseSecret(secret)).toEqual(Buffer.from(secret, 'hex'));
    // 16 random bytes as 32 hex characters (`openssl rand -hex 16`): 128 real bits, read as text.
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), (bytes) => {
      parseSecret(Buffer.from(bytes).toString('hex'));
      parseSecret(Buffer.from(bytes).toString('hex').toUpperCase());
    }), { numRuns: 100 });
    // 24 bytes is the least that base64 writes as 32 characters.
    fc.assert(fc.property(fc.uint8Array({ minLength: 24, maxLength: 64 }), (bytes) => {
      expect(parseSecret(Buffer.from(bytes).toString('base64'))).toEqual(Buffer.from(Buffer.from(bytes).toString('base64')));
      parseSecret(Buffer.from(bytes).toString('base64url'));
    }), { numRuns: 100 });
  });

  it('accepts a long passphrase of uncommon words', () => {
    expect(() => parseSecret('quixotic-marmalade-zeppelin-obsidian-kumquat-fjord-velvet')).not.toThrow();
  });
});

describe('estimateSecretStrength', () => {
  it('prices random text by its alphabet and patterns far below it', () => {
    expect(estimateSecretStrength('516d34d73f9fb55a1f484a99e6cb5035d5cc61bd012efe8094af4866ec49d6a6', { hex: true }).bits).toBeGreaterThan(200);
    expect(estimateSecretStrength('a'.repeat(1000)).bits).toBeLessThan(20);
    expect(estimateSecretStrength('secretsecretsecretsecretsecretse').bits).toBeLessThan(20);
    expect(MIN_SECRET_BITS).toBe(112);
  });

  it('judges a very long secret on its first 1,024 characters', () => {
    expect(estimateSecretStrength('x'.repeat(100_000)).bits).toBeLessThan(20);
    expect(estimateSecretStrength(randomBytes(3000).toString('base64')).bits).toBeGreaterThan(1000);
  });
});
