import { createDecipheriv, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { StoredKey } from '../store/types.js';
import type { SigningKey } from '../token/types.js';
import { assertEncryptionKey } from './encryption-key.js';
import { keyMismatch } from './key-mismatch.js';
import { SEAL_IV_BYTES, SEAL_TAG_BYTES } from './seal.js';
import { jwkThumbprint } from './thumbprint.js';

export const WRONG_SECRET_MESSAGE = 'the stored signing keys cannot be decrypted with this TESSERA_SECRET';

/**
 * Decrypts a key written by `sealSigningKey`. A wrong secret fails the GCM tag check (never yields a garbage
 * key); a row whose key does not fit its alg, or whose kid is not the key's thumbprint (a tampered row), is
 * refused too.
 */
export function openSigningKey(stored: StoredKey, encryptionKey: Buffer): SigningKey {
  assertEncryptionKey(encryptionKey);
  if (stored.privateKeyEncrypted === null) throw new Error(`the stored key ${stored.kid} has no private key`);
  const blob = Buffer.from(stored.privateKeyEncrypted, 'base64url');
  if (blob.length <= SEAL_IV_BYTES + SEAL_TAG_BYTES) throw new Error(`the stored key ${stored.kid} is truncated`);
  let der: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', encryptionKey, blob.subarray(0, SEAL_IV_BYTES), { authTagLength: SEAL_TAG_BYTES });
    decipher.setAAD(Buffer.from(stored.kid, 'utf8'));
    decipher.setAuthTag(blob.subarray(blob.length - SEAL_TAG_BYTES));
    der = Buffer.concat([decipher.update(blob.subarray(SEAL_IV_BYTES, blob.length - SEAL_TAG_BYTES)), decipher.final()]);
  } catch (cause) {
    throw new Error(WRONG_SECRET_MESSAGE, { cause });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error(`the stored key ${stored.kid} does not hold a PKCS#8 private key`);
  } finally {
    der.fill(0);
  }
  const problem = keyMismatch(privateKey, stored.alg);
  if (problem !== undefined) throw new Error(`the stored key ${stored.kid} does not fit ${stored.alg}: ${problem}`);
  const publicKey = createPublicKey(privateKey);
  if (jwkThumbprint(publicKey) !== stored.kid) throw new Error(`the stored key ${stored.kid} does not match its kid`);
  return { kid: stored.kid, alg: stored.alg, privateKey, publicKey };
}
