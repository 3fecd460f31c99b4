import type { TwoFactorChallengeRecord, TwoFactorRecord, TwoFactorStore } from '../types.js';
import { copy } from './clone.js';

/** Second factors and challenges in Maps; every method runs synchronously inside its promise, so each is atomic. */
export function createMemoryTwoFactorStore(): TwoFactorStore {
  const factors = new Map<string, TwoFactorRecord>();
  const challenges = new Map<string, TwoFactorChallengeRecord>();

  return {
    async findTwoFactor(userId) {
      const record = factors.get(userId);
      return record ? copy(record) : null;
    },
    async savePendingTwoFactor(userId, secretEncrypted, at) {
      if (factors.get(userId)?.enabledAt) return false;
      factors.set(userId, { userId, secretEncrypted, enabledAt: null, lastUsedStep: null, recoveryCodeHashes: [], createdAt: new Date(at.getTime()) });
      return true;
    },
    async enableTwoFactor(userId, confirm) {
      const record = factors.get(userId);
      if (!record || record.enabledAt !== null || record.secretEncrypted !== confirm.secretEncrypted) return false;
      record.enabledAt = new Date(confirm.at.getTime());
      record.lastUsedStep = confirm.step;
      record.recoveryCodeHashes = [...confirm.recoveryCodeHashes];
      return true;
    },
    async useTotpStep(userId, step) {
      const record = factors.get(userId);
      if (!record || record.enabledAt === null || (record.lastUsedStep !== null && record.lastUsedStep >= step)) return false;
      record.lastUsedStep = step;
      return true;
    },
    async useRecoveryCode(userId, codeHash) {
      const record = factors.get(userId);
      if (!record || record.enabledAt === null) return false;
      const index = record.recoveryCodeHashes.indexOf(codeHash);
      if (index === -1) return false;
      record.recoveryCodeHashes.splice(index, 1);
      return true;
    },
    async replaceRecoveryCodes(userId, recoveryCodeHashes) {
      const record = factors.get(userId);
      if (!record || record.enabledAt === null) return false;
      record.recoveryCodeHashes = [...recoveryCodeHashes];
      return true;
    },
    async deleteTwoFactor(userId) {
      return factors.delete(userId);
    },
    async createTwoFactorChallenge(challenge) {
      challenges.set(challenge.idHash, copy(challenge));
    },
    async findTwoFactorChallenge(idHash) {
      const challenge = challenges.get(idHash);
      return challenge ? copy(challenge) : null;
    },
    async consumeTwoFactorChallenge(idHash) {
      const challenge = challenges.get(idHash);
      if (!challenge) return null;
      challenges.delete(idHash);
      return challenge;
    },
    async deleteExpiredTwoFactorChallenges(before) {
      let count = 0;
      for (const [id, challenge] of challenges) {
        if (challenge.expiresAt.getTime() < before.getTime()) {
          challenges.delete(id);
          count++;
        }
      }
      return count;
    },
  };
}
