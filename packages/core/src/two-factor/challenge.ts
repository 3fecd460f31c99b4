import { createHash } from 'node:crypto';

/** How long a password-checked login waits for its second factor. */
export const CHALLENGE_TTL_SECONDS = 300;
const PREFIX = 'mfa_';
const CHALLENGE = /^mfa_[A-Za-z0-9_-]{43}$/;

/**
 * A second-factor challenge: `mfa_` and 256 random bits. It is not a JWT (the access-token verifier refuses it)
 * and has no `sessionId.secret` shape (the refresh path refuses it), so it opens nothing but the second-factor
 * step. Only its SHA-256 is stored.
 */
export function createChallenge(randomBytes: (size: number) => Uint8Array): string {
  return PREFIX + Buffer.from(randomBytes(32)).toString('base64url');
}

/** The stored form of a challenge; null for a string that cannot be one (no store lookup for garbage). */
export function challengeHash(challenge: string): string | null {
  if (!CHALLENGE.test(challenge)) return null;
  return createHash('sha256').update(challenge).digest('base64url');
}
