import { randomBytes } from 'node:crypto';

/** A token id: 128 random bits, base64url (22 characters). */
export function createJti(random: (size: number) => Uint8Array = randomBytes): string {
  return Buffer.from(random(16)).toString('base64url');
}
