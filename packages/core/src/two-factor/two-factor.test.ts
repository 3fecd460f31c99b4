import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../secrets.js';
import { challengeHash, createChallenge } from './challenge.js';
import { createRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes.js';
import { openTotpSecret, sealTotpSecret } from './secret-box.js';
import { createTotpSecret, matchTotp, totpStepAt, totpUri } from './totp.js';

/** RFC 6238 appendix B, SHA-1: the ASCII secret "12345678901234567890", 8-digit codes at the listed times. */
const RFC_SECRET = Secret.fromLatin1('12345678901234567890');
const RFC_VECTORS: Array<[seconds: number, code: string]> = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP', () => {
  it('otpauth computes the RFC 6238 SHA-1 reference vectors', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      expect(TOTP.generate({ secret: RFC_SECRET, algorithm: 'SHA1', digits: 8, period: 30, timestamp: seconds * 1000 })).toBe(code);
    }
  });

  it('matches the six-digit form of every RFC vector and answers its time step', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      // HOTP's truncation: the 6-digit code is the last six digits of the 8-digit one.
      expect(matchTotp(RFC_SECRET.base32, code.slice(2), seconds * 1000)).toBe(Math.floor(seconds / 30));
    }
  });

  it('accepts one step either side and nothing further', () => {
    const now = 1111111111 * 1000;
    const code = (offsetSteps: number) => TOTP.generate({ secret: RFC_SECRET, timestamp: now + offsetSteps * 30_000 });
    const step = totpStepAt(now);
    expect(matchTotp(RFC_SECRET.base32, code(-1), now)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET.base32, code(1), now)).toBe(step + 1);
    expect(matchTotp(RFC_SECRET.base32, code(-2), now)).toBeNull();
    expect(matchTotp(RFC_SECRET.base32, code(2), now)).toBeNull();
  });

  it('refuses anything but six ASCII digits', () => {
    const now = 59_000;
    for (const input of ['', '28708', '2870822', ' 287082', '２８７０８２', '287O82', '94287082']) expect(matchTotp(RFC_SECRET.base32, input, now)).toBeNull();
  });

  it('makes 160-bit secrets and an otpauth URI authenticator apps read back', () => {
    const secret = createTotpSecret(randomBytes);
    expect(Secret.fromBase32(secret).bytes.byteLength).toBe(20);
    expect(createTotpSecret(randomBytes)).not.toBe(secret);
    const uri = totpUri(secret, 'auth.example.test', 'ann@example.test');
    expect(uri).toBe(`otpauth://totp/auth.example.test:ann%40example.test?issuer=auth.example.test&secret=${secret}&algorithm=SHA1&digits=6&period=30`);
  });
});

describe('sealed TOTP secrets', () => {
  const keys = deriveKeys(Buffer.from('c0ffee'.repeat(11), 'hex'));

  it('derives their key with a label of its own', () => {
    expect(keys.totpEncryption).toHaveLength(32);
    for (const other of [keys.keyEncryption, keys.csrf, keys.hs256, keys.refresh]) expect(keys.totpEncryption.equals(other)).toBe(false);
  });

  it('opens only with the same key and user, and detects tampering', () => {
    const sealed = sealTotpSecret('JBSWY3DPEHPK3PXP', keys.totpEncryption, 'user-1', randomBytes);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(sealTotpSecret('JBSWY3DPEHPK3PXP', keys.totpEncryption, 'user-1', randomBytes)).not.toBe(sealed);
    expect(openTotpSecret(sealed, keys.totpEncryption, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => openTotpSecret(sealed, keys.totpEncryption, 'user-2')).toThrow();
    expect(() => openTotpSecret(sealed, keys.keyEncryption, 'user-1')).toThrow();
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[14] = (bytes[14] as number) ^ 1;
    expect(() => openTotpSecret(bytes.toString('base64url'), keys.totpEncryption, 'user-1')).toThrow();
    expect(() => openTotpSecret('short', keys.totpEncryption, 'user-1')).toThrow(/truncated/);
  });
});

describe('recovery codes', () => {
  it('makes ten distinct codes that normalise and hash consistently', () => {
    const codes = createRecoveryCodes(randomBytes);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const [first] = codes as [string];
    expect(hashRecoveryCode(normalizeRecoveryCode(first.toUpperCase().replaceAll('-', ' '))!)).toBe(hashRecoveryCode(normalizeRecoveryCode(first)!));
    expect(hashRecoveryCode(normalizeRecoveryCode(first)!)).not.toContain(first.replaceAll('-', ''));
    for (const bad of ['', 'abcd-efgh', 'abcd-efgh-jkm0', 'abcd-efgh-jkmn-p']) expect(normalizeRecoveryCode(bad)).toBeNull();
  });
});

describe('challenges', () => {
  it('are 256 random bits with a prefix, stored by hash, and garbage is not looked up', () => {
    const challenge = createChallenge(randomBytes);
    expect(challenge).toMatch(/^mfa_[A-Za-z0-9_-]{43}$/);
    expect(challengeHash(challenge)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(challengeHash(challenge)).not.toBe(challengeHash(createChallenge(randomBytes)));
    expect(challengeHash('mfa_short')).toBeNull();
    expect(challengeHash(`${challenge}.x`)).toBeNull();
  });
});
