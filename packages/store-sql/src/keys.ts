import type { KeyStore } from '@tessera/core';
import { sql } from 'kysely';
import { withStoreErrors } from './errors.js';
import { toKey, toMillis, toMillisOrNull } from './rows.js';
import type { Db, SqlDialect } from './schema.js';
import { transact } from './transaction.js';

export function createSqlKeyStore(db: Db, dialect: SqlDialect): KeyStore {
  return {
    listKeys: () =>
      withStoreErrors(async () => {
        const rows = await db.selectFrom('tessera_keys').selectAll().orderBy('created_at', 'asc').orderBy('kid', 'asc').execute();
        return rows.map(toKey);
      }),

    /**
     * Retire-then-insert in one transaction. Two rotations racing must not both leave their key signing:
     * PostgreSQL (READ COMMITTED) would let the second UPDATE miss the first's new row, so it takes a
     * self-exclusive table lock first (plain reads still proceed); InnoDB's UPDATE locks the scanned range,
     * and SQLite holds the write lock from BEGIN IMMEDIATE. A MySQL deadlock between two racers is retried.
     * With `replacing`, the first statement retires exactly that key if it still signs; a racer that finds it
     * already retired (the lock, or InnoDB's re-read of the row after the wait, shows it) adds nothing.
     */
    addSigningKey: (key, options) =>
      withStoreErrors(() =>
        transact(db, async (trx) => {
          if (dialect === 'postgres') await sql`lock table tessera_keys in share row exclusive mode`.execute(trx);
          if (options?.replacing !== undefined) {
            const replaced = await trx
              .updateTable('tessera_keys')
              .set({ retired_at: toMillis(key.createdAt) })
              .where('kid', '=', options.replacing)
              .where('retired_at', 'is', null)
              .executeTakeFirst();
            if (Number(replaced.numUpdatedRows) !== 1) return false;
          }
          await trx
            .updateTable('tessera_keys')
            .set({ retired_at: toMillis(key.createdAt) })
            .where('retired_at', 'is', null)
            .execute();
          await trx
            .insertInto('tessera_keys')
            .values({
              kid: key.kid,
              alg: key.alg,
              public_jwk: key.publicJwk,
              private_key_encrypted: key.privateKeyEncrypted,
              created_at: toMillis(key.createdAt),
              retired_at: toMillisOrNull(key.retiredAt),
            })
            .execute();
          return true;
        }),
      ),

    deleteRetiredKey: (kid) =>
      withStoreErrors(async () => {
        const result = await db.deleteFrom('tessera_keys').where('kid', '=', kid).where('retired_at', 'is not', null).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      }),

    deleteRetiredKeys: (before) =>
      withStoreErrors(async () => {
        const result = await db
          .deleteFrom('tessera_keys')
          .where('retired_at', 'is not', null)
          .where('retired_at', '<', toMillis(before))
          .executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}
