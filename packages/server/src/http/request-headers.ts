import type { IncomingMessage } from 'node:http';
import { nodeAuthorization, type AuthorizationHeader } from '@tessera/core';
import type { Context } from 'hono';

/** Node's request, when the app runs under @hono/node-server (`c.env.incoming`); undefined as a bare fetch handler. */
function nodeRequest(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/**
 * The request's Authorization header, every value when it came several times. On Node it is read from the parsed
 * request itself: the Fetch view of the same header re-validates the whole token with a regular expression on
 * every read, which Node's parser has already done (it refuses CR, LF and NUL in header values), and joins
 * repeated headers into one string.
 */
export function requestAuthorization(c: Context): AuthorizationHeader {
  const incoming = nodeRequest(c);
  return incoming === undefined ? c.req.header('authorization') : nodeAuthorization(incoming);
}

/** The request's Cookie header (Node joins several with "; ", as Fetch does); read like requestAuthorization. */
export function requestCookie(c: Context): string | undefined {
  const incoming = nodeRequest(c);
  return incoming === undefined ? c.req.header('cookie') : incoming.headers.cookie;
}
