import type { PasskeyChallenge, PasskeyRecord, PasskeyStore } from '../passkey-types.js';
import { compare, copy } from './clone.js';

/** Passkeys and challenges in Maps; each method is one synchronous step, so every call is atomic. */
export function createMemoryPasskeyStore(): PasskeyStore {
  const passkeys = new Map<string, PasskeyRecord>();
  const challenges = new Map<string, PasskeyChallenge>();

  return {
    async addPasskey(passkey) {
      if (passkeys.has(passkey.id)) return false;
      passkeys.set(passkey.id, copy(passkey));
      return true;
    },
    async findPasskey(id) {
      const passkey = passkeys.get(id);
      return passkey ? copy(passkey) : null;
    },
    async listUserPasskeys(userId) {
      return [...passkeys.values()]
        .filter((p) => p.userId === userId)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.id, b.id))
        .map(copy);
    },
    async recordPasskeyUse(id, expectedCounter, newCounter, at) {
      const passkey = passkeys.get(id);
      if (!passkey || passkey.counter !== expectedCounter) return false;
      passkey.counter = newCounter;
      passkey.lastUsedAt = new Date(at.getTime());
      return true;
    },
    async deletePasskey(userId, id) {
      if (passkeys.get(id)?.userId !== userId) return false;
      return passkeys.delete(id);
    },
    async createPasskeyChallenge(challenge) {
      if (challenges.has(challenge.id)) throw new Error('A challenge with this id already exists.');
      challenges.set(challenge.id, copy(challenge));
    },
    async consumePasskeyChallenge(id, now) {
      const challenge = challenges.get(id);
      if (!challenge) return null;
      challenges.delete(id);
      return challenge.expiresAt.getTime() <= now.getTime() ? null : challenge;
    },
    async deleteExpiredPasskeyChallenges(before) {
      let count = 0;
      for (const [id, challenge] of challenges) {
        if (challenge.expiresAt.getTime() < before.getTime()) {
          challenges.delete(id);
          count += 1;
        }
      }
      return count;
    },
  };
}
