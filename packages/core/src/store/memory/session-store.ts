import { recentRotationsAfter } from '../recent-rotations.js';
import type { RevokedSession, SessionRecord, SessionStore } from '../types.js';
import { compare, copy, newestFirst } from './clone.js';

function revocation(session: SessionRecord, at: Date): RevokedSession {
  return { id: session.id, userId: session.userId, revokedAt: new Date(at.getTime()) };
}

/**
 * Sessions in a Map. Each method does all its reads and writes synchronously, so the compare-and-swap in
 * `rotateSession` (with its append to the rotation history) and the check-then-revoke in `revokeSession` are
 * atomic with respect to other calls.
 */
export function createMemorySessionStore(): SessionStore {
  const sessions = new Map<string, SessionRecord>();

  const revoke = (session: SessionRecord, at: Date, reason: string): RevokedSession => {
    session.revokedAt = new Date(at.getTime());
    session.revokedReason = reason;
    return revocation(session, at);
  };

  return {
    async createSession(session) {
      if (sessions.has(session.id)) throw new Error('A session with this id already exists.');
      sessions.set(session.id, {
        ...copy(session),
        recentRotations: [],
        revokedAt: null,
        revokedReason: null,
      });
    },
    async findSession(id) {
      const session = sessions.get(id);
      return session ? copy(session) : null;
    },
    async rotateSession(id, rotation) {
      const session = sessions.get(id);
      if (!session || session.revokedAt !== null || session.secretHash !== rotation.expectedSecretHash) return false;
      session.recentRotations = recentRotationsAfter(rotation);
      session.secretHash = rotation.newSecretHash;
      session.lastUsedAt = new Date(rotation.rotatedAt.getTime());
      session.idleExpiresAt = new Date(rotation.idleExpiresAt.getTime());
      return true;
    },
    async touchSession(id, at) {
      const session = sessions.get(id);
      if (session) session.lastUsedAt = new Date(at.getTime());
    },
    async listUserSessions(userId, now) {
      const t = now.getTime();
      return [...sessions.values()]
        .filter(
          (s) =>
            s.userId === userId &&
            s.revokedAt === null &&
            s.idleExpiresAt.getTime() > t &&
            s.absoluteExpiresAt.getTime() > t,
        )
        .sort(newestFirst((s) => s.id))
        .map(copy);
    },
    async revokeSession(id, at, reason) {
      const session = sessions.get(id);
      if (!session || session.revokedAt !== null) return null;
      return revoke(session, at, reason);
    },
    async revokeUserSessions(userId, at, reason, exceptSessionId) {
      return [...sessions.values()]
        .filter((s) => s.userId === userId && s.revokedAt === null && s.id !== exceptSessionId)
        .map((s) => revoke(s, at, reason));
    },
    async listRevokedSince(since) {
      return [...sessions.values()]
        .filter((s): s is SessionRecord & { revokedAt: Date } => s.revokedAt !== null && s.revokedAt >= since)
        .sort((a, b) => a.revokedAt.getTime() - b.revokedAt.getTime() || compare(a.id, b.id))
        .map((s) => revocation(s, s.revokedAt));
    },
    async deleteExpiredSessions(before) {
      let deleted = 0;
      for (const [id, s] of sessions) {
        if (s.absoluteExpiresAt < before || s.idleExpiresAt < before) {
          sessions.delete(id);
          deleted += 1;
        }
      }
      return deleted;
    },
  };
}
