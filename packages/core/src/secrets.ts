import { hkdfSync } from 'node:crypto';
import { estimateSecretStrength, MIN_SECRET_BITS, type SecretWeakness } from './secret-strength.js';

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
  /** AES-256-GCM key that encrypts users' TOTP secrets at rest (a database dump alone yields no second factor). */
  totpEncryption: Buffer;
  /**
   * MACs the server's DPoP nonces (RFC 9449 §8, `createDpopNonces`): every instance sharing the secret accepts
   * the others' nonces with no shared state, and a nonce is no CSRF token or refresh successor.
   */
  dpopNonce: Buffer;
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
    totpEncryption: derive(secret, 'totp-secret-encryption'),
    dpopNonce: derive(secret, 'dpop-nonce'),
  };
}

const HEX_SECRET = /^(?:[0-9a-fA-F]{2}){32,}$/;

const WEAKNESS: Readonly<Record<SecretWeakness, string>> = {
  repeats: 'it repeats a short pattern',
  sequence: 'it is mostly a run like abcd, 1234 or a keyboard row',
  words: 'it is made of common words or passwords',
  alphabet: 'it is too short for the few kinds of characters it uses',
};

/**
 * Reads TESSERA_SECRET: 64 hex characters (what `tessera secret` prints) are taken as 32 raw bytes; any other
 * text is taken as its UTF-8 bytes and must be at least 32 bytes long. `name` is what the refusal calls the
 * secret (the variable, or the file it came from).
 *
 * Length is not enough: the key derivation is public, so an attacker holding one HS256 token (or a CSRF token)
 * runs a dictionary of likely secrets offline, and `secretsecret…`, 32 × `a` or 64 hex zeros fall in a few
 * guesses. A secret that costs fewer than MIN_SECRET_BITS of guessing (see estimateSecretStrength) is refused.
 */
export function parseSecret(text: string, name = 'TESSERA_SECRET'): Buffer {
  const trimmed = text.trim();
  const hex = HEX_SECRET.test(trimmed);
  const bytes = hex ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'utf8');
  if (bytes.byteLength < MIN_SECRET_BYTES) {
    throw new RangeError(`${name} is ${bytes.byteLength} bytes; it must be at least ${MIN_SECRET_BYTES} bytes (run "npx tessera secret" for one)`);
  }
  const { bits, weakness } = estimateSecretStrength(trimmed, { hex });
  if (bits < MIN_SECRET_BITS) {
    throw new RangeError(
      `${name} is too easy to guess (${WEAKNESS[weakness]}: about ${Math.floor(bits)} bits where ${MIN_SECRET_BITS} are needed); run "npx tessera secret" for a random one`,
    );
  }
  return bytes;
}
