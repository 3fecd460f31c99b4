import { TesseraError } from '@tessera/core';

/**
 * Marks a failure to reach the database at all: the pool could not hand out a connection (refused, timed out,
 * authentication failed, pool exhausted) or the driver lost the connection mid-query. The pool adapters in
 * `connect/` wrap such errors in this class because pg reports several of them without any error code.
 */
export class BackendUnreachable extends Error {
  constructor(cause: unknown) {
    super('The database could not be reached.', { cause });
    this.name = 'BackendUnreachable';
  }
}

type Coded = { code?: unknown; errno?: unknown; fatal?: unknown };

function fields(error: unknown): Coded {
  return typeof error === 'object' && error !== null ? (error as Coded) : {};
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND',
  'EAI_AGAIN', 'EPIPE',
  // mysql2
  'PROTOCOL_CONNECTION_LOST', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR', 'ER_BAD_DB_ERROR',
  // PostgreSQL: admin/crash shutdown, cannot connect now, too many connections, out of disk/memory
  '57P01', '57P02', '57P03', '53000', '53100', '53200', '53300',
]);

/** SQLite result codes meaning "the database file is there but can't be used right now". */
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|PROTOCOL)/;

export function isUnavailable(error: unknown): boolean {
  if (error instanceof BackendUnreachable) return true;
  const { code, fatal } = fields(error);
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || SQLITE_UNAVAILABLE.test(code)) return true;
    // SQLSTATE class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  // mysql2 marks errors that killed the connection as fatal.
  return fatal === true;
}

/** A unique or primary-key violation, by the driver's code (never the message text). */
export function isUniqueViolation(error: unknown): boolean {
  const { code, errno } = fields(error);
  return (
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    code === '23505' ||
    code === 'ER_DUP_ENTRY' ||
    errno === 1062
  );
}

/** A deadlock or serialization failure: the transaction did nothing and may simply be run again. */
export function isRetryableConflict(error: unknown): boolean {
  const { code, errno } = fields(error);
  return code === '40P01' || code === '40001' || code === 'ER_LOCK_DEADLOCK' || errno === 1213;
}

/**
 * Every error leaving a store is a TesseraError whose message is the catalog's sentence: 'unavailable' when
 * the backend can't be reached, 'internal_error' otherwise. The driver error, which may quote SQL, stays
 * available only as `cause`, for logs.
 */
export function toStoreError(error: unknown): TesseraError {
  if (error instanceof TesseraError) return error;
  if (isUnavailable(error)) {
    const cause = error instanceof BackendUnreachable ? error.cause : error;
    return new TesseraError('unavailable', undefined, { cause });
  }
  return new TesseraError('internal_error', undefined, { cause: error });
}

/** Runs one store operation, translating whatever it throws. */
export async function withStoreErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStoreError(error);
  }
}
