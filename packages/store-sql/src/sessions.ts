import { encodeRecentRotations, recentRotationsAfter, type RevokedSession, type SessionStore } from '@tessera/core';
import { withStoreErrors } from './errors.js';
import { toMillis, toRevoked, toSession } from './rows.js';
import type { Db, SqlDialect } from './schema.js';
import { transact } from './transaction.js';

/** Keeps IN lists well under every driver's bind-parameter limit. */
const CHUNK = 500;

export function createSqlSessionStore(db: Db, dialect: SqlDialect): SessionStore {
  return {
    createSession: (session) =>
      withStoreErrors(async () => {
        await db
          .insertInto('tessera_sessions')
          .values({
            id: session.id,
            user_id: session.userId,
            secret_hash: session.secretHash,
            previous_secret_hash: null,
            rotated_at: null,
            rotation_nonce: null,
            recent_rotations: null,
            created_at: toMillis(session.createdAt),
            last_used_at: toMillis(session.lastUsedAt),
            idle_expires_at: toMillis(session.idleExpiresAt),
            absolute_expires_at: toMillis(session.absoluteExpiresAt),
            user_agent: session.userAgent,
            ip: session.ip,
            revoked_at: null,
            revoked_reason: null,
            dpop_jkt: session.dpopJkt,
          })
          .execute();
      }),

    findSession: (id) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_sessions').selectAll().where('id', '=', id).executeTakeFirst();
        return row ? toSession(row) : null;
      }),

    /**
     * The compare-and-swap is ONE conditional UPDATE; the database's row lock decides the winner and the
     * affected-row count reports it. A racer that waited on the lock re-evaluates the WHERE against the
     * committed row (PostgreSQL re-checks, InnoDB reads the current version, SQLite runs writers one at a
     * time), finds the hash changed and updates nothing. previous_secret_hash is set to the expected hash,
     * which the WHERE guarantees is the old value, so no dialect's SET evaluation order matters. The history
     * is written whole in the same statement (the caller read it with the expected hash; see SessionStore),
     * so the append costs no extra round trip and is atomic with the swap.
     */
    rotateSession: (id, rotation) =>
      withStoreErrors(async () => {
        const rotatedAt = toMillis(rotation.rotatedAt);
        const result = await db
          .updateTable('tessera_sessions')
          .set({
            previous_secret_hash: rotation.expectedSecretHash,
            secret_hash: rotation.newSecretHash,
            rotation_nonce: rotation.rotationNonce,
            rotated_at: rotatedAt,
            recent_rotations: encodeRecentRotations(recentRotationsAfter(rotation)),
            last_used_at: rotatedAt,
            idle_expires_at: toMillis(rotation.idleExpiresAt),
          })
          .where('id', '=', id)
          .where('secret_hash', '=', rotation.expectedSecretHash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
        return result.numUpdatedRows === 1n;
      }),

    touchSession: (id, at) =>
      withStoreErrors(async () => {
        await db.updateTable('tessera_sessions').set({ last_used_at: toMillis(at) }).where('id', '=', id).execute();
      }),

    listUserSessions: (userId, now) =>
      withStoreErrors(async () => {
        const t = toMillis(now);
        const rows = await db
          .selectFrom('tessera_sessions')
          .selectAll()
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .where('idle_expires_at', '>', t)
          .where('absolute_expires_at', '>', t)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .execute();
        return rows.map(toSession);
      }),

    /** A conditional UPDATE decides who revoked it; the user id is read back in the same transaction. */
    revokeSession: (id, at, reason) =>
      withStoreErrors(() =>
        transact(db, async (trx) => {
          const revokedAt = toMillis(at);
          const result = await trx
            .updateTable('tessera_sessions')
            .set({ revoked_at: revokedAt, revoked_reason: reason })
            .where('id', '=', id)
            .where('revoked_at', 'is', null)
            .executeTakeFirst();
          if (result.numUpdatedRows !== 1n) return null;
          const row = await trx.selectFrom('tessera_sessions').select(['id', 'user_id']).where('id', '=', id).executeTakeFirst();
          return row ? toRevoked(row, revokedAt) : null;
        }),
      ),

    /**
     * One transaction: lock the user's unrevoked sessions (FOR UPDATE; SQLite already holds the write lock),
     * revoke exactly those, return them. A session revoked concurrently drops out of the locked set, so it is
     * neither revoked twice nor reported twice. Expired but unrevoked sessions are revoked (and reported) too.
     */
    revokeUserSessions: (userId, at, reason, exceptSessionId) =>
      withStoreErrors(() =>
        transact(db, async (trx) => {
          const revokedAt = toMillis(at);
          const rows = await trx
            .selectFrom('tessera_sessions')
            .select(['id', 'user_id'])
            .where('user_id', '=', userId)
            .where('revoked_at', 'is', null)
            .$if(exceptSessionId !== undefined, (q) => q.where('id', '!=', exceptSessionId ?? ''))
            .$if(dialect !== 'sqlite', (q) => q.forUpdate())
            .execute();
          for (let i = 0; i < rows.length; i += CHUNK) {
            await trx
              .updateTable('tessera_sessions')
              .set({ revoked_at: revokedAt, revoked_reason: reason })
              .where('id', 'in', rows.slice(i, i + CHUNK).map((r) => r.id))
              .where('revoked_at', 'is', null)
              .execute();
          }
          return rows.map((row): RevokedSession => toRevoked(row, revokedAt));
        }),
      ),

    listRevokedSince: (since) =>
      withStoreErrors(async () => {
        const rows = await db
          .selectFrom('tessera_sessions')
          .select(['id', 'user_id', 'revoked_at'])
          .where('revoked_at', '>=', toMillis(since))
          .orderBy('revoked_at', 'asc')
          .orderBy('id', 'asc')
          .execute();
        return rows.flatMap((row) => (row.revoked_at === null ? [] : [toRevoked(row, row.revoked_at)]));
      }),

    deleteExpiredSessions: (before) =>
      withStoreErrors(async () => {
        const t = toMillis(before);
        const result = await db
          .deleteFrom('tessera_sessions')
          .where((eb) => eb.or([eb('absolute_expires_at', '<', t), eb('idle_expires_at', '<', t)]))
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}
