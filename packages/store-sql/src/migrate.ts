import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely';
import { initialMigration } from './migrations/0001-initial.js';
import { recentRotationsMigration } from './migrations/0002-recent-rotations.js';
import { userDisabledAtMigration } from './migrations/0003-user-disabled-at.js';
import { accountMailMigration } from './migrations/0004-account-mail.js';
import { twoFactorMigration } from './migrations/0005-two-factor.js';
import { passkeysMigration } from './migrations/0006-passkeys.js';
import { sessionDpopJktMigration } from './migrations/0007-session-dpop-jkt.js';
import { oneLinkPerPurposeMigration } from './migrations/0008-one-link-per-purpose.js';
import type { Db, SqlDialect } from './schema.js';

/** Every migration, in order. Names sort lexically; never rename or reorder a shipped one, only append. */
export function tesseraMigrations(dialect: SqlDialect): Record<string, Migration> {
  return {
    '0001_initial': initialMigration(dialect),
    '0002_recent_rotations': recentRotationsMigration,
    '0003_user_disabled_at': userDisabledAtMigration,
    '0004_account_mail': accountMailMigration(dialect),
    '0005_two_factor': twoFactorMigration(dialect),
    '0006_passkeys': passkeysMigration(dialect),
    '0007_session_dpop_jkt': sessionDpopJktMigration,
    '0008_one_link_per_purpose': oneLinkPerPurposeMigration(dialect),
  };
}

/**
 * Brings the schema up to date; a no-op when it already is. Kysely's migrator serialises concurrent runs
 * (pg_advisory_lock on PostgreSQL, GET_LOCK on MySQL, the single connection on SQLite) and records what ran in
 * `tessera_migration`, so two processes starting at once both succeed and each migration runs once.
 *
 * On PostgreSQL the migrator is told its schema explicitly — the configured one, else `current_schema()` —
 * because it checks whether its tables exist across every schema of the database: without this, a
 * `tessera_migration` table in another schema would make it skip creating its own. It also creates a
 * missing schema, tolerating a concurrent creator.
 */
export async function migrateToLatest(db: Db, dialect: SqlDialect, schema?: string): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => tesseraMigrations(dialect) };
  const migrationTableSchema = dialect === 'postgres' ? (schema ?? (await currentSchema(db))) : undefined;
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'tessera_migration',
    migrationLockTableName: 'tessera_migration_lock',
    ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }),
  });
  const { error } = await migrator.migrateToLatest();
  if (error !== undefined) throw error;
}

async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('PostgreSQL has no current schema: the search_path names no existing schema.');
  return schema;
}
