import { createHash, createSecretKey } from 'node:crypto';
import type { SigningKey } from '../token/types.js';
import { keyMismatch } from './key-mismatch.js';

/**
 * The HS256 signing key from a secret (normally `deriveKeys(secret).hs256`). The kid is `hs256-` and 16
 * characters of a SHA-256 of the key, so it tells keys apart without revealing anything usable about them.
 */
export function deriveHs256Key(key: Buffer): SigningKey {
  const secret = createSecretKey(Buffer.from(key));
  const problem = keyMismatch(secret, 'HS256');
  if (problem !== undefined) throw new Error(problem);
  const kid = `hs256-${createHash('sha256').update('tessera/hs256-kid').update(key).digest('base64url').slice(0, 16)}`;
  return { kid, alg: 'HS256', privateKey: secret, publicKey: secret };
}
