import type { IncomingMessage } from 'node:http';
import { TesseraError } from '@tessera/core/errors';
import { MAX_AUTHORIZATION_HEADER_BYTES, nodeAuthorization, oneAuthorizationHeader } from '@tessera/core/http';
import type { Context, MiddlewareHandler } from 'hono';
import { errorResponse } from './errors.js';

/** Largest `Cookie` header read, the same as for `Authorization`: far above any cookie we issue (< 1 KiB). */
export const MAX_COOKIE_HEADER_BYTES = MAX_AUTHORIZATION_HEADER_BYTES;

/** Node's request, when the app runs under @hono/node-server (`c.env.incoming`); undefined as a bare fetch handler. */
function nodeRequest(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/**
 * Reads the credential headers once, before any route: the Authorization header goes through core's
 * `oneAuthorizationHeader` (several headers, or one over 8 KiB, are a 400 whatever the scheme) and its one value
 * is kept on the request for every later reader (`authorizationOf`); an oversized Cookie is refused too. On Node
 * the header comes from the parsed request itself, which still shows repeated headers (the Fetch view joins them)
 * and has already refused CR, LF and NUL.
 */
export function readCredentialHeaders(): MiddlewareHandler {
  return (c, next) => {
    const incoming = nodeRequest(c);
    try {
      c.set('authorization', oneAuthorizationHeader(incoming === undefined ? c.req.header('authorization') : nodeAuthorization(incoming)));
    } catch (error) {
      return Promise.resolve(errorResponse(error, { tokenSent: true }));
    }
    const cookie = incoming === undefined ? c.req.header('cookie') : incoming.headers.cookie;
    if (oversized(cookie)) return Promise.resolve(errorResponse(new TesseraError('invalid_request', 'The Cookie header is larger than 8 KiB.')));
    return next();
  };
}

/** The request's one Authorization value, as readCredentialHeaders read it; undefined when none was sent. */
export function authorizationOf(c: Context): string | undefined {
  return c.get('authorization') as string | undefined;
}

function oversized(value: string | undefined): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short headers skip the byte count.
  return value !== undefined && value.length * 3 > MAX_COOKIE_HEADER_BYTES && Buffer.byteLength(value) > MAX_COOKIE_HEADER_BYTES;
}
