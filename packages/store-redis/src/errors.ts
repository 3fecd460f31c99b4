import { TesseraError } from '@tessera/core/errors';

/**
 * Redis error codes (the first word of an error reply) that mean "the server is there but cannot serve now":
 * still loading its data set, busy with a script, a replica without its master, a cluster not yet ready.
 */
const TRANSIENT_REPLY_CODES = new Set(['LOADING', 'BUSY', 'MASTERDOWN', 'TRYAGAIN', 'CLUSTERDOWN', 'READONLY', 'NOREPLICAS']);

function replyCode(error: Error): string {
  return error.message.split(' ', 1)[0] ?? '';
}

/**
 * Every error leaving the Redis store is a TesseraError carrying the catalog's sentence. An error reply from
 * Redis itself (ioredis' ReplyError) is a bug on our side — 'internal_error' — unless its code says the server
 * is temporarily unable; everything else ioredis raises (refused or lost connection, the offline queue being
 * off while reconnecting, a command timeout, MaxRetriesPerRequestError) means Redis can't be reached:
 * 'unavailable'. The ioredis error is kept as `cause`, for logs.
 */
export function toStoreError(error: unknown): TesseraError {
  if (error instanceof TesseraError) return error;
  if (error instanceof Error && error.name === 'ReplyError' && !TRANSIENT_REPLY_CODES.has(replyCode(error))) {
    return new TesseraError('internal_error', undefined, { cause: error });
  }
  return new TesseraError('unavailable', undefined, { cause: error });
}

/** Runs one store operation, translating whatever it throws. */
export async function withStoreErrors<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toStoreError(error);
  }
}
