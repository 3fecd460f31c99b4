import type { PasskeyStore, Stores } from '@tessera/core';
import { sql } from 'kysely';
import { connectMysql } from './connect/mysql.js';
import { connectPostgres } from './connect/postgres.js';
import { connectSqlite } from './connect/sqlite.js';
import { withStoreErrors } from './errors.js';
import { createSqlKeyStore } from './keys.js';
import { migrateToLatest } from './migrate.js';
import { createSqlPasskeyStore } from './passkeys.js';
import type { Db, SqlDialect } from './schema.js';
import { createSqlSessionStore } from './sessions.js';
import { parseDatabaseUrl, type DatabaseTarget } from './url.js';
import { createSqlTwoFactorStore } from './two-factor.js';
import { createSqlUserStore } from './users.js';
import { createSqlEmailVerificationStore, createSqlOneTimeTokenStore } from './one-time-tokens.js';

export interface SqlStoreOptions {
  /** Run pending migrations before resolving (default true). */
  migrate?: boolean;
  /** PostgreSQL only: work in this schema (same as `?schema=` in the URL, which it overrides). */
  schema?: string;
  /** How long to wait for a PostgreSQL/MySQL connection before reporting 'unavailable' (default 10 000 ms). */
  connectTimeoutMs?: number;
  /** SQLite only: how long to wait for another process's write lock (default 5 000 ms). */
  busyTimeoutMs?: number;
  /** PostgreSQL/MySQL connection pool size (default 10). */
  poolSize?: number;
}

export interface SqlStores extends Stores {
  readonly passkeys: PasskeyStore;
  readonly dialect: SqlDialect;
  /** Applies pending migrations; idempotent and safe to run from several processes at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query; rejects with TesseraError('unavailable') otherwise. */
  ping(): Promise<void>;
}

function connect(target: DatabaseTarget, options: SqlStoreOptions): Promise<Db> {
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const poolSize = options.poolSize ?? 10;
  switch (target.dialect) {
    case 'sqlite':
      return connectSqlite(target, { busyTimeoutMs: options.busyTimeoutMs ?? 5_000 });
    case 'postgres':
      return connectPostgres(target, { connectTimeoutMs, poolSize });
    case 'mysql':
      return connectMysql(target, { connectTimeoutMs, poolSize });
  }
}

/**
 * Opens the SQL stores for a TESSERA_DATABASE_URL:
 * - `sqlite:<path>` (relative to the working directory or absolute; the parent directory is created) or
 *   `sqlite::memory:` — better-sqlite3 in WAL mode with busy_timeout and foreign keys on;
 * - `postgres://…` / `postgresql://…` — a pg pool; `?schema=<name>` (or `options.schema`) confines the store to
 *   that schema through each connection's search_path, and migrate() creates the schema when missing;
 * - `mysql://…` / `mariadb://…` — a mysql2 pool.
 * An unparsable or unsupported URL rejects with a DatabaseUrlError naming TESSERA_DATABASE_URL. Pending
 * migrations run before this resolves unless `migrate: false`. Store methods reject with
 * TesseraError('unavailable') when the database can't be reached, and never with driver or SQL text.
 */
export async function createSqlStores(url: string, options: SqlStoreOptions = {}): Promise<SqlStores> {
  const target = parseDatabaseUrl(url, options.schema === undefined ? {} : { schema: options.schema });
  const db = await withStoreErrors(() => connect(target, options));
  const { dialect } = target;

  let closing: Promise<void> | undefined;
  const stores: SqlStores = {
    dialect,
    users: createSqlUserStore(db),
    sessions: createSqlSessionStore(db, dialect),
    twoFactor: createSqlTwoFactorStore(db, dialect),
    passkeys: createSqlPasskeyStore(db),
    keys: createSqlKeyStore(db, dialect),
    oneTimeTokens: createSqlOneTimeTokenStore(db, dialect),
    emailVerifications: createSqlEmailVerificationStore(db, dialect),
    migrate: () =>
      withStoreErrors(() => migrateToLatest(db, dialect, target.dialect === 'postgres' ? target.schema : undefined)),
    ping: () =>
      withStoreErrors(async () => {
        await sql`select 1`.execute(db);
      }),
    close() {
      closing ??= db.destroy();
      return closing;
    },
  };

  if (options.migrate ?? true) {
    try {
      await stores.migrate();
    } catch (error) {
      await stores.close().catch(() => {});
      throw error;
    }
  }
  return stores;
}
