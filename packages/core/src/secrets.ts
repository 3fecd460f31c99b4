import { hkdfSync } from 'node:crypto';

/**
 * Independent keys derived from the one server secret (HKDF-SHA256), so that a key used for one purpose can
 * never be replayed for another: a CSRF token is not an HS256 signature, and neither opens a stored key.
 */
export interface DerivedKeys {
  /** HS256 signing key, used only when TESSERA_SIGNING_ALG=HS256. */
  hs256: Buffer;
  /** Binds a CSRF token to its session id (HMAC). */
  csrf: Buffer;
  /** AES-256-GCM key that encrypts private signing keys at rest. */
  keyEncryption: Buffer;
  /** Derives the successor of a rotated refresh secret (HMAC), so racing refreshes share one lineage. */
  refresh: Buffer;
}

export const MIN_SECRET_BYTES = 32;

function derive(secret: Uint8Array, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'tessera/v1', label, 32));
}

export function deriveKeys(secret: Uint8Array): DerivedKeys {
  if (secret.byteLength < MIN_SECRET_BYTES) throw new RangeError(`the server secret must be at least ${MIN_SECRET_BYTES} bytes`);
  return {
    hs256: derive(secret, 'hs256-signing'),
    csrf: derive(secret, 'csrf-binding'),
    keyEncryption: derive(secret, 'key-encryption'),
    refresh: derive(secret, 'refresh-successor'),
  };
}

/**
 * Reads TESSERA_SECRET: 64 hex characters (what `tessera secret` prints) are taken as 32 raw bytes; any other
 * text is taken as its UTF-8 bytes and must be at least 32 bytes long.
 */
export function parseSecret(text: string): Buffer {
  const trimmed = text.trim();
  const bytes = /^(?:[0-9a-fA-F]{2}){32,}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'utf8');
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new RangeError(`TESSERA_SECRET is ${bytes.byteLength} bytes; it must be at least ${MIN_SECRET_BYTES} bytes (run "npx tessera secret" for one)`);
  }
  return bytes;
}
