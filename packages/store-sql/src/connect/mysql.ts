import { Kysely, MysqlDialect, type MysqlPool } from 'kysely';
import { BackendUnreachable } from '../errors.js';
import type { TesseraDatabase } from '../schema.js';

export interface MysqlTarget {
  dialect: 'mysql';
  /** A mysql:// URI (mariadb:// is rewritten to mysql://). */
  uri: string;
}

export async function connectMysql(
  target: MysqlTarget,
  options: { connectTimeoutMs: number; poolSize: number },
): Promise<Kysely<TesseraDatabase>> {
  const mysql = await import('mysql2');
  const pool = mysql.createPool({
    uri: target.uri,
    connectTimeout: options.connectTimeoutMs,
    connectionLimit: options.poolSize,
    charset: 'utf8mb4_unicode_ci',
    enableKeepAlive: true,
  });
  // A connection that cannot be obtained is BackendUnreachable, whatever mysql2 called it. Errors that break an
  // established connection carry `fatal: true` and are recognised in errors.ts.
  const guarded: MysqlPool = {
    getConnection(callback) {
      pool.getConnection((error, connection) => {
        callback(error ? new BackendUnreachable(error) : null, connection);
      });
    },
    end(callback) {
      pool.end(callback);
    },
  };
  return new Kysely<TesseraDatabase>({ dialect: new MysqlDialect({ pool: guarded }) });
}
