import { TesseraError } from '@tessera/core';
import type { MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';
import { requestAuthorization, requestCookie } from './request-headers.js';

/** Largest `Authorization` or `Cookie` header we read: far above any token or cookie we issue (< 1 KiB each). */
export const MAX_CREDENTIAL_HEADER_BYTES = 8 * 1024;

/**
 * Refuses oversized credential headers before any route parses them: megabyte cookies or bearer strings are
 * resource exhaustion aimed at the parsers and the token cache, never a real client. Node caps all headers at
 * 16 KiB on a socket; this also holds for the bare fetch handler, which has no such cap.
 */
export function limitCredentialHeaders(): MiddlewareHandler {
  return (c, next) => {
    const authorization = requestAuthorization(c);
    // Several Authorization headers are each checked; readBearer refuses the request anyway, but not unread.
    for (const value of Array.isArray(authorization) ? authorization : [authorization]) {
      if (oversized(value)) return Promise.resolve(errorResponse(tooLarge('Authorization'), { tokenSent: true }));
    }
    if (oversized(requestCookie(c))) return Promise.resolve(errorResponse(tooLarge('Cookie')));
    return next();
  };
}

function oversized(value: string | null | undefined): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short headers skip the byte count.
  return typeof value === 'string' && value.length * 3 > MAX_CREDENTIAL_HEADER_BYTES && Buffer.byteLength(value) > MAX_CREDENTIAL_HEADER_BYTES;
}

function tooLarge(name: 'Authorization' | 'Cookie'): TesseraError {
  return new TesseraError('invalid_request', `The ${name} header is larger than 8 KiB.`);
}
