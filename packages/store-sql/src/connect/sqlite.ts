import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';
import type { TesseraDatabase } from '../schema.js';

/**
 * Write transactions start with BEGIN IMMEDIATE: a deferred BEGIN that reads and then writes can fail with
 * SQLITE_BUSY at once when another process holds the write lock (busy_timeout does not apply to that
 * upgrade), while IMMEDIATE waits for the lock up front.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** SQLite does run DDL inside transactions; saying so makes Kysely's migrator run in one (and so under the write lock). */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TesseraSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

export interface SqliteTarget {
  dialect: 'sqlite';
  /** A file path (resolved against the working directory) or ':memory:'. */
  path: string;
}

export async function connectSqlite(target: SqliteTarget, options: { busyTimeoutMs: number }): Promise<Kysely<TesseraDatabase>> {
  const { default: Database } = await import('better-sqlite3');
  if (target.path !== ':memory:') {
    mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
    // The database holds password hashes and session state: create it readable by this user alone (SQLite gives
    // its -wal and -shm files the database file's mode). An existing file keeps the mode its owner chose.
    closeSync(openSync(target.path, 'a', 0o600));
  }
  const database = new Database(target.path);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw error;
  }
  return new Kysely<TesseraDatabase>({ dialect: new TesseraSqliteDialect({ database }) });
}
