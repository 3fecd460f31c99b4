import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveKeys } from '../secrets.js';
import { generateSigningKey } from './generate.js';
import { deriveHs256Key } from './hs256.js';
import { openSigningKey, WRONG_SECRET_MESSAGE } from './open.js';
import { sealSigningKey } from './seal.js';

const encryptionKey = deriveKeys(randomBytes(32)).keyEncryption;
const createdAt = new Date('2025-01-01T00:00:00Z');

describe('sealSigningKey / openSigningKey', () => {
  it.each(['ES256', 'EdDSA', 'RS256'] as const)('%s: round-trips the private key', (alg) => {
    const key = generateSigningKey(alg);
    const stored = sealSigningKey(key, encryptionKey, createdAt);
    expect(stored).toMatchObject({ kid: key.kid, alg, createdAt, retiredAt: null });
    expect(stored.privateKeyEncrypted).toMatch(/^[A-Za-z0-9_-]+$/);
    const publicJwk = JSON.parse(stored.publicJwk ?? '') as Record<string, unknown>;
    expect(publicJwk).toMatchObject({ kid: key.kid, alg, use: 'sig' });
    expect(publicJwk).not.toHaveProperty('d');
    const opened = openSigningKey(stored, encryptionKey);
    expect(opened.kid).toBe(key.kid);
    expect(opened.privateKey.equals(key.privateKey)).toBe(true);
    expect(opened.publicKey.equals(key.publicKey)).toBe(true);
  });

  it('uses a fresh IV every time', () => {
    const key = generateSigningKey('EdDSA');
    expect(sealSigningKey(key, encryptionKey, createdAt).privateKeyEncrypted).not.toBe(sealSigningKey(key, encryptionKey, createdAt).privateKeyEncrypted);
  });

  it('refuses to open with another secret, with the sentence that names TESSERA_SECRET', () => {
    const stored = sealSigningKey(generateSigningKey('ES256'), encryptionKey, createdAt);
    const other = deriveKeys(randomBytes(32)).keyEncryption;
    expect(() => openSigningKey(stored, other)).toThrow(WRONG_SECRET_MESSAGE);
    expect(WRONG_SECRET_MESSAGE).toBe('the stored signing keys cannot be decrypted with this TESSERA_SECRET');
  });

  it('refuses a ciphertext moved to another kid (the kid is authenticated data)', () => {
    const a = sealSigningKey(generateSigningKey('ES256'), encryptionKey, createdAt);
    const b = sealSigningKey(generateSigningKey('ES256'), encryptionKey, createdAt);
    expect(() => openSigningKey({ ...b, privateKeyEncrypted: a.privateKeyEncrypted }, encryptionKey)).toThrow(WRONG_SECRET_MESSAGE);
  });

  it('refuses a row whose alg does not fit the key, and a truncated ciphertext', () => {
    const stored = sealSigningKey(generateSigningKey('ES256'), encryptionKey, createdAt);
    expect(() => openSigningKey({ ...stored, alg: 'EdDSA' }, encryptionKey)).toThrow(/does not fit EdDSA/);
    expect(() => openSigningKey({ ...stored, privateKeyEncrypted: 'AAAA' }, encryptionKey)).toThrow(/truncated/);
    expect(() => openSigningKey({ ...stored, privateKeyEncrypted: null }, encryptionKey)).toThrow(/no private key/);
  });

  it('refuses HS256 (derived, never stored) and an encryption key of the wrong size', () => {
    expect(() => sealSigningKey(deriveHs256Key(Buffer.alloc(32, 1)), encryptionKey, createdAt)).toThrow(/never stored/);
    expect(() => sealSigningKey(generateSigningKey('EdDSA'), Buffer.alloc(16), createdAt)).toThrow(/32 bytes/);
  });
});
