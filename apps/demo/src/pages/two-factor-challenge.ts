import type { TwoFactorChallenge } from '@tessera/client';

/**
 * The challenge of a login waiting for its second factor, handed from the login page to the second-factor page.
 * Kept in memory only: it is a credential for a few minutes, and a reload simply starts the login again.
 */
let pending: TwoFactorChallenge | null = null;

export function holdChallenge(challenge: TwoFactorChallenge): void {
  pending = challenge;
}

export function pendingChallenge(): TwoFactorChallenge | null {
  return pending;
}

export function dropChallenge(): void {
  pending = null;
}
