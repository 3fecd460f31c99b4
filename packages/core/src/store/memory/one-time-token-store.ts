import type { EmailVerificationStore, OneTimeTokenRecord, OneTimeTokenStore } from '../types.js';

const copyToken = (t: OneTimeTokenRecord): OneTimeTokenRecord => ({ ...t, createdAt: new Date(t.createdAt.getTime()), expiresAt: new Date(t.expiresAt.getTime()) });

/**
 * One-time tokens in a Map keyed by hash. Each method runs synchronously inside its promise, so a consume (get
 * and delete) cannot interleave with another: exactly one of many concurrent consumes gets the token.
 */
export function createMemoryOneTimeTokenStore(): OneTimeTokenStore {
  const byHash = new Map<string, OneTimeTokenRecord>();
  const deleteOf = (userId: string, purpose: string): number => {
    let count = 0;
    for (const [hash, token] of byHash) {
      if (token.userId === userId && token.purpose === purpose) {
        byHash.delete(hash);
        count += 1;
      }
    }
    return count;
  };
  return {
    async issueOneTimeToken(token) {
      deleteOf(token.userId, token.purpose);
      byHash.set(token.hash, copyToken(token));
    },
    async consumeOneTimeToken(hash, purpose, now) {
      const token = byHash.get(hash);
      if (!token || token.purpose !== purpose) return null;
      byHash.delete(hash);
      return token.expiresAt.getTime() > now.getTime() ? copyToken(token) : null;
    },
    async deleteUserOneTimeTokens(userId, purpose) {
      return deleteOf(userId, purpose);
    },
  };
}

export function createMemoryEmailVerificationStore(): EmailVerificationStore {
  const byUser = new Map<string, { email: string; at: Date }>();
  return {
    async markEmailVerified(userId, email, at) {
      byUser.set(userId, { email, at: new Date(at.getTime()) });
    },
    async emailVerifiedAt(userId, email) {
      const record = byUser.get(userId);
      return record && record.email === email ? new Date(record.at.getTime()) : null;
    },
  };
}
