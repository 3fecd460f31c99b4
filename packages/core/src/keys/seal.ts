import { createCipheriv, randomBytes } from 'node:crypto';
import type { StoredKey } from '../store/types.js';
import type { SigningKey } from '../token/types.js';
import { assertEncryptionKey } from './encryption-key.js';
import { publicJwk } from './public-jwk.js';

export const SEAL_IV_BYTES = 12;
export const SEAL_TAG_BYTES = 16;

/**
 * Prepares a key for storage: the private key as PKCS#8 DER, encrypted with AES-256-GCM under `encryptionKey`
 * (random 12-byte IV, the kid as additional authenticated data so a ciphertext cannot be moved to another
 * row), stored as base64url(iv ‖ ciphertext ‖ tag). A database dump alone never yields a signing key.
 */
export function sealSigningKey(key: SigningKey, encryptionKey: Buffer, createdAt: Date): StoredKey {
  assertEncryptionKey(encryptionKey);
  if (key.alg === 'HS256') throw new Error('HS256 keys are derived from TESSERA_SECRET and are never stored');
  const der = key.privateKey.export({ format: 'der', type: 'pkcs8' });
  const iv = randomBytes(SEAL_IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv, { authTagLength: SEAL_TAG_BYTES });
  cipher.setAAD(Buffer.from(key.kid, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  der.fill(0);
  return {
    kid: key.kid,
    alg: key.alg,
    publicJwk: JSON.stringify(publicJwk(key)),
    privateKeyEncrypted: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url'),
    createdAt,
    retiredAt: null,
  };
}
