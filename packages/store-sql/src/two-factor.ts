import type { TwoFactorChallengeRecord, TwoFactorStore } from '@tessera/core';
import { sql } from 'kysely';
import { withStoreErrors } from './errors.js';
import { toDate, toDateOrNull, toMillis } from './rows.js';
import type { Db, SqlDialect } from './schema.js';
import { transact } from './transaction.js';

/** Second factors, their recovery codes and the login challenges (tables of migration 0005). */
export function createSqlTwoFactorStore(db: Db, dialect: SqlDialect): TwoFactorStore {
  return {
    findTwoFactor: (userId) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_two_factor').selectAll().where('user_id', '=', userId).executeTakeFirst();
        if (!row) return null;
        const codes = await db.selectFrom('tessera_two_factor_recovery_codes').select('code_hash').where('user_id', '=', userId).execute();
        return {
          userId: row.user_id,
          secretEncrypted: row.secret_encrypted,
          enabledAt: toDateOrNull(row.enabled_at),
          lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
          recoveryCodeHashes: codes.map((c) => c.code_hash),
          createdAt: toDate(row.created_at),
        };
      }),

    /**
     * One upsert whose update only applies while the existing row is pending, so an enabled factor is never
     * replaced. PostgreSQL and SQLite report whether the guarded update ran; MySQL's affected-row count cannot
     * tell an update from a row left alone (mysql2 counts found rows), so there the row is read back: every
     * sealed secret is unique (random IV), so finding ours means our write landed.
     */
    savePendingTwoFactor: (userId, secretEncrypted, at) =>
      withStoreErrors(async () => {
        const values = { user_id: userId, secret_encrypted: secretEncrypted, enabled_at: null, last_used_step: null, created_at: toMillis(at) };
        const insert = db.insertInto('tessera_two_factor').values(values);
        if (dialect === 'mysql') {
          await insert
            .onDuplicateKeyUpdate({
              secret_encrypted: sql`if(enabled_at is null, values(secret_encrypted), secret_encrypted)`,
              created_at: sql`if(enabled_at is null, values(created_at), created_at)`,
            })
            .execute();
          const row = await db.selectFrom('tessera_two_factor').select('secret_encrypted').where('user_id', '=', userId).executeTakeFirst();
          return row?.secret_encrypted === secretEncrypted;
        }
        const result = await insert
          .onConflict((oc) =>
            oc
              .column('user_id')
              .doUpdateSet({ secret_encrypted: (eb) => eb.ref('excluded.secret_encrypted'), created_at: (eb) => eb.ref('excluded.created_at') })
              .where('tessera_two_factor.enabled_at', 'is', null),
          )
          .executeTakeFirst();
        return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
      }),

    /** The conditional UPDATE decides (row lock); the codes are written in the same transaction. */
    enableTwoFactor: (userId, confirm) =>
      withStoreErrors(() =>
        transact(db, async (trx) => {
          const result = await trx
            .updateTable('tessera_two_factor')
            .set({ enabled_at: toMillis(confirm.at), last_used_step: confirm.step })
            .where('user_id', '=', userId)
            .where('enabled_at', 'is', null)
            .where('secret_encrypted', '=', confirm.secretEncrypted)
            .executeTakeFirst();
          if (result.numUpdatedRows !== 1n) return false;
          await trx.deleteFrom('tessera_two_factor_recovery_codes').where('user_id', '=', userId).execute();
          if (confirm.recoveryCodeHashes.length > 0) {
            await trx
              .insertInto('tessera_two_factor_recovery_codes')
              .values(confirm.recoveryCodeHashes.map((code_hash) => ({ user_id: userId, code_hash })))
              .execute();
          }
          return true;
        }),
      ),

    /** One conditional UPDATE: the row lock serialises racers, and the loser finds the step no longer later. */
    useTotpStep: (userId, step) =>
      withStoreErrors(async () => {
        const result = await db
          .updateTable('tessera_two_factor')
          .set({ last_used_step: step })
          .where('user_id', '=', userId)
          .where('enabled_at', 'is not', null)
          .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', step)]))
          .executeTakeFirst();
        return result.numUpdatedRows === 1n;
      }),

    /** One DELETE: exactly one caller removes the row. Codes exist only for enabled factors. */
    useRecoveryCode: (userId, codeHash) =>
      withStoreErrors(async () => {
        const result = await db
          .deleteFrom('tessera_two_factor_recovery_codes')
          .where('user_id', '=', userId)
          .where('code_hash', '=', codeHash)
          .executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),

    /**
     * Locks the enabled factor's row first (SQLite: the transaction's write lock), so that a concurrent disable,
     * which deletes codes and row in one transaction too, runs wholly before or after: never orphaned codes.
     */
    replaceRecoveryCodes: (userId, recoveryCodeHashes) =>
      withStoreErrors(() =>
        transact(db, async (trx) => {
          const factor = await trx
            .selectFrom('tessera_two_factor')
            .select('user_id')
            .where('user_id', '=', userId)
            .where('enabled_at', 'is not', null)
            .$if(dialect !== 'sqlite', (query) => query.forUpdate())
            .executeTakeFirst();
          if (factor === undefined) return false;
          await trx.deleteFrom('tessera_two_factor_recovery_codes').where('user_id', '=', userId).execute();
          if (recoveryCodeHashes.length > 0) {
            await trx
              .insertInto('tessera_two_factor_recovery_codes')
              .values(recoveryCodeHashes.map((code_hash) => ({ user_id: userId, code_hash })))
              .execute();
          }
          return true;
        }),
      ),

    /**
     * The factor's row first: its row lock orders this against replaceRecoveryCodes, which locks the same row
     * before it writes codes. Codes first would let a replacement slip new ones in between, outliving the factor.
     */
    deleteTwoFactor: (userId) =>
      withStoreErrors(() =>
        transact(db, async (trx) => {
          const result = await trx.deleteFrom('tessera_two_factor').where('user_id', '=', userId).executeTakeFirst();
          await trx.deleteFrom('tessera_two_factor_recovery_codes').where('user_id', '=', userId).execute();
          return Number(result.numDeletedRows) > 0;
        }),
      ),

    createTwoFactorChallenge: (challenge) =>
      withStoreErrors(async () => {
        await db
          .insertInto('tessera_two_factor_challenges')
          .values({
            id_hash: challenge.idHash,
            user_id: challenge.userId,
            created_at: toMillis(challenge.createdAt),
            expires_at: toMillis(challenge.expiresAt),
          })
          .execute();
      }),

    findTwoFactorChallenge: (idHash) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_two_factor_challenges').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
        return row ? toChallenge(row) : null;
      }),

    /** Read, then DELETE: only the caller whose DELETE removed the row gets the challenge. */
    consumeTwoFactorChallenge: (idHash) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_two_factor_challenges').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
        if (!row) return null;
        const result = await db.deleteFrom('tessera_two_factor_challenges').where('id_hash', '=', idHash).executeTakeFirst();
        return Number(result.numDeletedRows) === 1 ? toChallenge(row) : null;
      }),

    deleteExpiredTwoFactorChallenges: (before) =>
      withStoreErrors(async () => {
        const result = await db.deleteFrom('tessera_two_factor_challenges').where('expires_at', '<', toMillis(before)).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

function toChallenge(row: { id_hash: string; user_id: string; created_at: number | string | bigint; expires_at: number | string | bigint }): TwoFactorChallengeRecord {
  return { idHash: row.id_hash, userId: row.user_id, createdAt: toDate(row.created_at), expiresAt: toDate(row.expires_at) };
}
