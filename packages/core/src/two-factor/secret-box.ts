import { createCipheriv, createDecipheriv } from 'node:crypto';
import { assertEncryptionKey } from '../keys/encryption-key.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts a TOTP secret for storage: AES-256-GCM under the key derived from TESSERA_SECRET, random IV, the user
 * id as additional authenticated data (so a ciphertext copied onto another user's row does not open), stored as
 * base64url(iv ‖ ciphertext ‖ tag). A database dump alone yields nobody's second factor.
 */
export function sealTotpSecret(secretBase32: string, key: Buffer, userId: string, randomBytes: (size: number) => Uint8Array): string {
  assertEncryptionKey(key);
  const iv = Buffer.from(randomBytes(IV_BYTES));
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(userId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(secretBase32, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
}

/** The TOTP secret back; throws when the key, the user or the ciphertext is not the one it was sealed with. */
export function openTotpSecret(sealed: string, key: Buffer, userId: string): string {
  assertEncryptionKey(key);
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length <= IV_BYTES + TAG_BYTES) throw new Error('the stored TOTP secret is truncated');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(userId, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
}
