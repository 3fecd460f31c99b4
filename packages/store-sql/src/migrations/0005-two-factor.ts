import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';
import { mysqlTableOptions } from './0001-initial.js';

/**
 * Second factors: one row per user with the encrypted TOTP secret (pending while enabled_at is NULL) and the last
 * time step accepted; the unused recovery codes' hashes, one row each, so spending one is a single DELETE; and
 * the login challenges waiting for a second factor, stored by hash.
 */
export function twoFactorMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const options = dialect === 'mysql' ? await mysqlTableOptions(db) : sql``;
      await db.schema
        .createTable('tessera_two_factor')
        .addColumn('user_id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('secret_encrypted', 'varchar(255)', (c) => c.notNull())
        .addColumn('enabled_at', 'bigint')
        .addColumn('last_used_step', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .modifyEnd(options)
        .execute();
      await db.schema
        .createTable('tessera_two_factor_recovery_codes')
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('code_hash', 'varchar(255)', (c) => c.notNull())
        .addPrimaryKeyConstraint('tessera_two_factor_recovery_codes_pkey', ['user_id', 'code_hash'])
        .modifyEnd(options)
        .execute();
      await db.schema
        .createTable('tessera_two_factor_challenges')
        .addColumn('id_hash', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .modifyEnd(options)
        .execute();
      await db.schema.createIndex('tessera_two_factor_challenges_expires_at_idx').on('tessera_two_factor_challenges').column('expires_at').execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of ['tessera_two_factor_challenges', 'tessera_two_factor_recovery_codes', 'tessera_two_factor']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
