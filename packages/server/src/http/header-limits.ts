import { TesseraError } from '@tessera/core';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';

/** Largest `Authorization` or `Cookie` header we read: far above any token or cookie we issue (< 1 KiB each). */
export const MAX_CREDENTIAL_HEADER_BYTES = 8 * 1024;

/**
 * Refuses oversized credential headers before any route parses them: megabyte cookies or bearer strings are
 * resource exhaustion aimed at the parsers and the token cache, never a real client. Node caps all headers at
 * 16 KiB on a socket; this also holds for the bare fetch handler, which has no such cap.
 */
export function limitCredentialHeaders(): MiddlewareHandler {
  return (c, next) => {
    for (const name of ['authorization', 'cookie'] as const) {
      const value = c.req.header(name);
      // A UTF-16 unit is at most 3 UTF-8 bytes: short headers skip the byte count.
      if (value !== undefined && value.length * 3 > MAX_CREDENTIAL_HEADER_BYTES && Buffer.byteLength(value) > MAX_CREDENTIAL_HEADER_BYTES) {
        const error = new TesseraError('invalid_request', `The ${name === 'cookie' ? 'Cookie' : 'Authorization'} header is larger than 8 KiB.`);
        return Promise.resolve(errorResponse(error, name === 'authorization' ? { tokenSent: true } : undefined));
      }
    }
    return next();
  };
}
