import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';
import { mysqlTableOptions } from './0001-initial.js';

/**
 * Mailed one-time tokens (verification and password-reset links; only their SHA-256 is stored) and the record of
 * which address of each user was verified. New tables only: a server of the previous version sharing the
 * database during a rolling upgrade never touches them.
 */
export function accountMailMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const options = dialect === 'mysql' ? await mysqlTableOptions(db) : sql``;
      await db.schema
        .createTable('tessera_one_time_tokens')
        .addColumn('hash', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('purpose', 'varchar(64)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('email', 'varchar(320)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .modifyEnd(options)
        .execute();
      await db.schema.createIndex('tessera_one_time_tokens_user_idx').on('tessera_one_time_tokens').columns(['user_id', 'purpose']).execute();
      await db.schema
        .createTable('tessera_email_verifications')
        .addColumn('user_id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('email', 'varchar(320)', (c) => c.notNull())
        .addColumn('verified_at', 'bigint', (c) => c.notNull())
        .modifyEnd(options)
        .execute();
    },

    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('tessera_email_verifications').execute();
      await db.schema.dropTable('tessera_one_time_tokens').execute();
    },
  };
}
