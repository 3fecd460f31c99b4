import type { EmailVerificationStore, OneTimeTokenPurpose, OneTimeTokenRecord, OneTimeTokenStore } from '@tessera/core';
import { withStoreErrors } from './errors.js';
import { toDate, toMillis } from './rows.js';
import type { Db, OneTimeTokensTable, SqlDialect } from './schema.js';
import type { Selectable } from 'kysely';
import { transact } from './transaction.js';

const PURPOSES: readonly string[] = ['verify_email', 'password_reset'] satisfies OneTimeTokenPurpose[];

function toRecord(row: Selectable<OneTimeTokensTable>): OneTimeTokenRecord {
  if (!PURPOSES.includes(row.purpose)) throw new TypeError('A stored one-time token has an unknown purpose.');
  return {
    hash: row.hash,
    purpose: row.purpose as OneTimeTokenPurpose,
    userId: row.user_id,
    email: row.email,
    createdAt: toDate(row.created_at),
    expiresAt: toDate(row.expires_at),
  };
}

export function createSqlOneTimeTokenStore(db: Db, dialect: SqlDialect): OneTimeTokenStore {
  return {
    /**
     * One upsert on the unique (user_id, purpose) index (migration 0008): the new link replaces the user's earlier
     * one of that purpose in a single statement, so of two issued at the same instant only one can stay alive.
     */
    issueOneTimeToken: (token) =>
      withStoreErrors(async () => {
        const values = {
          hash: token.hash,
          purpose: token.purpose,
          user_id: token.userId,
          email: token.email,
          created_at: toMillis(token.createdAt),
          expires_at: toMillis(token.expiresAt),
        };
        const { hash, email, created_at, expires_at } = values;
        // InnoDB can still call two concurrent upserts of one key a deadlock (it rolled one back whole): transact
        // runs it again.
        await transact(db, async (trx) => {
          const insert = trx.insertInto('tessera_one_time_tokens').values(values);
          if (dialect === 'mysql') await insert.onDuplicateKeyUpdate({ hash, email, created_at, expires_at }).execute();
          else await insert.onConflict((oc) => oc.columns(['user_id', 'purpose']).doUpdateSet({ hash, email, created_at, expires_at })).execute();
        });
      }),

    /**
     * Read, then DELETE by hash: the DELETE is the atomic step. Of concurrent consumers that all read the row, only
     * the one whose DELETE removed it (one affected row) gets the record; the others see 0 rows and get null.
     * Portable to MySQL, which has no DELETE … RETURNING.
     */
    consumeOneTimeToken: (hash, purpose, now) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_one_time_tokens').selectAll().where('hash', '=', hash).where('purpose', '=', purpose).executeTakeFirst();
        if (!row) return null;
        const result = await db.deleteFrom('tessera_one_time_tokens').where('hash', '=', hash).where('purpose', '=', purpose).executeTakeFirst();
        if (result.numDeletedRows !== 1n) return null;
        const record = toRecord(row);
        return record.expiresAt.getTime() > now.getTime() ? record : null;
      }),

    deleteUserOneTimeTokens: (userId, purpose) =>
      withStoreErrors(async () => {
        const result = await db.deleteFrom('tessera_one_time_tokens').where('user_id', '=', userId).where('purpose', '=', purpose).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

export function createSqlEmailVerificationStore(db: Db, dialect: SqlDialect): EmailVerificationStore {
  return {
    /** One upsert statement (atomic on every dialect): the user's one row is inserted or replaced whole. */
    markEmailVerified: (userId, email, at) =>
      withStoreErrors(async () => {
        const row = { user_id: userId, email, verified_at: toMillis(at) };
        const insert = db.insertInto('tessera_email_verifications').values(row);
        const update = { email, verified_at: toMillis(at) };
        if (dialect === 'mysql') await insert.onDuplicateKeyUpdate(update).execute();
        else await insert.onConflict((conflict) => conflict.column('user_id').doUpdateSet(update)).execute();
      }),

    emailVerifiedAt: (userId, email) =>
      withStoreErrors(async () => {
        const row = await db
          .selectFrom('tessera_email_verifications')
          .select('verified_at')
          .where('user_id', '=', userId)
          .where('email', '=', email)
          .executeTakeFirst();
        return row ? toDate(row.verified_at) : null;
      }),
  };
}
