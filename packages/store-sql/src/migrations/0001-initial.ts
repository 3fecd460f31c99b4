import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { SqlDialect } from '../schema.js';

/**
 * MySQL/MariaDB only: table options. Ids and hashes must compare byte for byte — a case-insensitive default
 * collation would let "AbC" find the session "abc" — and must keep unicode, which a latin1 default would not.
 * Prefer a NO PAD binary collation (trailing spaces significant) where the server has one.
 */
export async function mysqlTableOptions(db: Kysely<unknown>): Promise<RawBuilder<unknown>> {
  const { rows } = await sql<{ name: string }>`
    select collation_name as name from information_schema.collations
    where collation_name in ('utf8mb4_0900_bin', 'utf8mb4_nopad_bin')`.execute(db);
  const names = rows.map((r) => r.name);
  const collation = names.includes('utf8mb4_0900_bin')
    ? 'utf8mb4_0900_bin'
    : names.includes('utf8mb4_nopad_bin')
      ? 'utf8mb4_nopad_bin'
      : 'utf8mb4_bin';
  return sql.raw(`engine = InnoDB default character set utf8mb4 collate ${collation}`);
}

/** Users, sessions and signing keys. Instants are BIGINT milliseconds since the epoch. */
export function initialMigration(dialect: SqlDialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      const options = dialect === 'mysql' ? await mysqlTableOptions(db) : sql``;

      await db.schema
        .createTable('tessera_users')
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('email', 'varchar(320)', (c) => c.notNull())
        .addColumn('name', 'text')
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('roles', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('tessera_users_email_key', ['email'])
        .modifyEnd(options)
        .execute();
      await db.schema.createIndex('tessera_users_created_at_idx').on('tessera_users').column('created_at').execute();

      await db.schema
        .createTable('tessera_sessions')
        .addColumn('id', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('secret_hash', 'varchar(255)', (c) => c.notNull())
        .addColumn('previous_secret_hash', 'varchar(255)')
        .addColumn('rotated_at', 'bigint')
        .addColumn('rotation_nonce', 'varchar(255)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .addColumn('idle_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('absolute_expires_at', 'bigint', (c) => c.notNull())
        .addColumn('user_agent', 'text')
        .addColumn('ip', 'varchar(255)')
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'varchar(255)')
        .modifyEnd(options)
        .execute();
      await db.schema.createIndex('tessera_sessions_user_id_idx').on('tessera_sessions').column('user_id').execute();
      await db.schema.createIndex('tessera_sessions_revoked_at_idx').on('tessera_sessions').column('revoked_at').execute();

      await db.schema
        .createTable('tessera_keys')
        .addColumn('kid', 'varchar(255)', (c) => c.primaryKey())
        .addColumn('alg', 'varchar(16)', (c) => c.notNull())
        .addColumn('public_jwk', 'text')
        .addColumn('private_key_encrypted', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('retired_at', 'bigint')
        .modifyEnd(options)
        .execute();
    },

    async down(db: Kysely<unknown>) {
      for (const table of ['tessera_keys', 'tessera_sessions', 'tessera_users']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
