/** AES-256-GCM key length for sealing private keys at rest. */
export const ENCRYPTION_KEY_BYTES = 32;

/** A short or missing key would fail deep inside OpenSSL with an unclear message; say what is wrong instead. */
export function assertEncryptionKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== ENCRYPTION_KEY_BYTES) {
    throw new Error(`the key-encryption key must be ${ENCRYPTION_KEY_BYTES} bytes (derive it with deriveKeys(secret).keyEncryption)`);
  }
}
