import {
  Kysely,
  PostgresDialect,
  type PostgresCursor,
  type PostgresPool,
  type PostgresPoolClient,
  type PostgresQueryResult,
} from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { BackendUnreachable } from '../errors.js';
import type { TesseraDatabase } from '../schema.js';

export interface PostgresTarget {
  dialect: 'postgres';
  connectionString: string;
  /** When set, every connection's search_path is this schema alone, and migrate() creates it if missing. */
  schema: string | undefined;
}

type IsServerError = (error: unknown) => boolean;

/**
 * Forwards queries to a pg client, marking failures that did not come from the server (the socket closed,
 * a read timed out) as BackendUnreachable: pg raises those as plain Errors without a code.
 */
class GuardedClient implements PostgresPoolClient {
  constructor(
    private readonly client: PoolClient,
    private readonly isServerError: IsServerError,
  ) {}

  query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(sqlOrCursor: string | PostgresCursor<R>, parameters?: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    if (typeof sqlOrCursor !== 'string') throw new Error('Streaming queries are not used by Tessera.');
    return this.client.query(sqlOrCursor, parameters === undefined ? [] : [...parameters]).then(
      (result) => result as unknown as PostgresQueryResult<R>,
      (error: unknown) => {
        throw this.isServerError(error) ? error : new BackendUnreachable(error);
      },
    );
  }

  release(): void {
    this.client.release();
  }
}

/** The pool as Kysely sees it: a connection that cannot be obtained is BackendUnreachable, whatever pg called it. */
function guardPool(pool: Pool, isServerError: IsServerError): PostgresPool {
  return {
    async connect() {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw new BackendUnreachable(error);
      }
      return new GuardedClient(client, isServerError);
    },
    end: () => pool.end(),
  };
}

export async function connectPostgres(
  target: PostgresTarget,
  options: { connectTimeoutMs: number; poolSize: number },
): Promise<Kysely<TesseraDatabase>> {
  const pg = await import('pg');
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    // `schema` was validated as a plain identifier, so it needs no quoting inside the startup option.
    ...(target.schema === undefined ? {} : { options: `-c search_path=${target.schema}` }),
    connectionTimeoutMillis: options.connectTimeoutMs,
    max: options.poolSize,
    keepAlive: true,
  });
  // An idle client whose connection drops emits 'error' on the pool; unhandled, that would crash the process.
  // The pool discards that client and the next query reports 'unavailable' if the server is really gone.
  pool.on('error', () => {});
  const isServerError: IsServerError = (error) => error instanceof pg.DatabaseError;
  return new Kysely<TesseraDatabase>({ dialect: new PostgresDialect({ pool: guardPool(pool, isServerError) }) });
}
