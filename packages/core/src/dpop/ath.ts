import { createHash } from 'node:crypto';

/** RFC 9449 §4.2 `ath`: base64url SHA-256 of the ASCII access token a resource request presents. */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'latin1').digest('base64url');
}
