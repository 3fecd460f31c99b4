import { encodeRecentRotations, recentRotationsAfter, type RevokedSession, type SessionRecord, type SessionStore } from '@tessera/core';
import type { Redis } from 'ioredis';
import { pairsToObject, sessionFields, toSessionRecord } from './codec.js';
import { withStoreErrors } from './errors.js';
import { CREATE, DELETE_EXPIRED, LIST_REVOKED, LIST_USER, REVOKE_ONE, REVOKE_USER, ROTATE, TOUCH } from './lua.js';
import { DEFAULT_KEY_PREFIX, redisNames, REVOKED_RETENTION_MS } from './names.js';
import { runScript } from './script.js';

export interface RedisSessionStoreOptions {
  /** Prefix of every key and channel (default `tessera:`); guards subscribing to the feed must use the same. */
  keyPrefix?: string;
}

const DELETE_BATCH = 500;

/** When a session is dead for good: the earlier of its idle and absolute expiry. */
const diesAt = (s: { idleExpiresAt: Date; absoluteExpiresAt: Date }) => Math.min(s.idleExpiresAt.getTime(), s.absoluteExpiresAt.getTime());

function newestFirst(a: SessionRecord, b: SessionRecord): number {
  return b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * The SessionStore on Redis (≥ 7.0; a single node or a primary, not Cluster):
 * - a session is a hash that Redis expires by itself REVOKED_RETENTION_MS (24 h) after the session dies, so an
 *   ended session still reads back for a while and a revoked one stays listable as long as the feed lists it;
 * - a per-user sorted set indexes live sessions, a global one orders all by death (for deleteExpiredSessions);
 * - every method is one Lua script (or one command), so each is atomic across all instances; revocations
 *   are written to `<prefix>revoked` and published on `<prefix>revocations` in the same script
 *   (docs/revocation-feed.md).
 * No method scans the keyspace. A Redis that can't be reached rejects with TesseraError('unavailable'); give the
 * client `enableOfflineQueue: false` (see createRedisClient) so that happens at once instead of queueing.
 */
export function createRedisSessionStore(redis: Redis, options: RedisSessionStoreOptions = {}): SessionStore {
  const names = redisNames(options.keyPrefix ?? DEFAULT_KEY_PREFIX);
  const { prefix } = names;

  return {
    createSession: (session) =>
      withStoreErrors(async () => {
        const dies = diesAt(session);
        const created = await runScript(redis, CREATE, [names.session(session.id), names.userSessions(session.userId), names.expiry], [
          session.id, dies, dies + REVOKED_RETENTION_MS, session.createdAt.getTime(), ...sessionFields(session),
        ]);
        if (created !== 1) throw new Error('A session with this id already exists.');
      }),

    findSession: (id) =>
      withStoreErrors(async () => {
        const hash = await redis.hgetall(names.session(id));
        return Object.keys(hash).length === 0 ? null : toSessionRecord(id, hash);
      }),

    rotateSession: (id, rotation) =>
      withStoreErrors(async () => {
        const won = await runScript(redis, ROTATE, [names.session(id), names.expiry], [
          rotation.expectedSecretHash, rotation.newSecretHash, rotation.rotationNonce, rotation.rotatedAt.getTime(),
          rotation.idleExpiresAt.getTime(), REVOKED_RETENTION_MS, id, prefix, encodeRecentRotations(recentRotationsAfter(rotation)),
        ]);
        return won === 1;
      }),

    touchSession: (id, at) =>
      withStoreErrors(async () => {
        await runScript(redis, TOUCH, [names.session(id)], [at.getTime()]);
      }),

    listUserSessions: (userId, now) =>
      withStoreErrors(async () => {
        const rows = (await runScript(redis, LIST_USER, [names.userSessions(userId)], [prefix])) as [string, string[]][];
        const t = now.getTime();
        return rows
          .map(([id, fields]) => toSessionRecord(id, pairsToObject(fields)))
          .filter((s) => s.userId === userId && s.revokedAt === null && s.idleExpiresAt.getTime() > t && s.absoluteExpiresAt.getTime() > t)
          .sort(newestFirst);
      }),

    revokeSession: (id, at, reason) =>
      withStoreErrors(async () => {
        const ms = at.getTime();
        const userId = await runScript(redis, REVOKE_ONE, [names.session(id), names.revoked], [
          ms, reason, id, ms - REVOKED_RETENTION_MS, names.revocationsChannel, ms + REVOKED_RETENTION_MS, prefix,
        ]);
        return typeof userId === 'string' ? { id, userId, revokedAt: new Date(ms) } : null;
      }),

    revokeUserSessions: (userId, at, reason, exceptSessionId) =>
      withStoreErrors(async () => {
        const ms = at.getTime();
        const ids = (await runScript(redis, REVOKE_USER, [names.userSessions(userId), names.revoked], [
          ms, reason, exceptSessionId === undefined ? '0' : '1', exceptSessionId ?? '', ms - REVOKED_RETENTION_MS,
          names.revocationsChannel, ms + REVOKED_RETENTION_MS, prefix,
        ])) as string[];
        return ids.map((id): RevokedSession => ({ id, userId, revokedAt: new Date(ms) }));
      }),

    listRevokedSince: (since) =>
      withStoreErrors(async () => {
        const flat = (await runScript(redis, LIST_REVOKED, [names.revoked], [since.getTime(), prefix])) as string[];
        const revoked: RevokedSession[] = [];
        // userId is '' only for a record already gone (deleted past its expiry): the id still matters, since
        // an access token of that session may outlive the session by up to its lifetime.
        for (let i = 0; i + 2 < flat.length; i += 3) revoked.push({ id: flat[i]!, revokedAt: new Date(Number(flat[i + 1])), userId: flat[i + 2]! });
        return revoked;
      }),

    deleteExpiredSessions: (before) =>
      withStoreErrors(async () => {
        let removed = 0;
        for (;;) {
          const count = Number(await runScript(redis, DELETE_EXPIRED, [names.expiry], [before.getTime(), prefix, DELETE_BATCH]));
          removed += count;
          if (count < DELETE_BATCH) return removed;
        }
      }),
  };
}
