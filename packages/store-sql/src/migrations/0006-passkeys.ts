import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';
import { mysqlTableOptions } from './0001-initial.js';

/**
 * Passkeys and the one-time challenges of their ceremonies. A credential id is at most 512 base64url characters
 * (384 bytes; passkeys use 16 to 64), which keeps the primary key inside MySQL's index size limit.
 */
export function passkeysMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const options = dialect === 'mysql' ? await mysqlTableOptions(db) : sql``;
      await db.schema
        .createTable('tessera_passkeys')
        .addColumn('id', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('public_key', 'text', (c) => c.notNull())
        .addColumn('counter', 'bigint', (c) => c.notNull())
        .addColumn('transports', 'text', (c) => c.notNull())
        .addColumn('device_type', 'varchar(16)', (c) => c.notNull())
        .addColumn('backed_up', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .modifyEnd(options)
        .execute();
      await db.schema.createIndex('tessera_passkeys_user_id_idx').on('tessera_passkeys').column('user_id').execute();
      await db.schema
        .createTable('tessera_passkey_challenges')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('challenge', 'varchar(128)', (c) => c.notNull())
        .addColumn('purpose', 'varchar(16)', (c) => c.notNull())
        .addColumn('user_id', 'varchar(255)')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .modifyEnd(options)
        .execute();
      await db.schema.createIndex('tessera_passkey_challenges_expires_at_idx').on('tessera_passkey_challenges').column('expires_at').execute();
    },

    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('tessera_passkey_challenges').ifExists().execute();
      await db.schema.dropTable('tessera_passkeys').ifExists().execute();
    },
  };
}
