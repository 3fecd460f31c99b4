import { ERROR_CATALOG, SESSION_ENDING_CODES } from '@tessera/wire';
import { describe, expect, it } from 'vitest';
import { AuthError, endsSession, readAuthError } from './auth-error.js';

const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('AuthError codes come from the wire catalog', () => {
  it('keeps a catalog code, its status and Retry-After', async () => {
    const error = await readAuthError(answer(429, { error: 'rate_limited', message: 'Too many requests; try again later.' }, { 'retry-after': '7' }));
    expect({ code: error.code, status: error.status, message: error.message, retryAfter: error.retryAfter }).toEqual({ code: 'rate_limited', status: 429, message: 'Too many requests; try again later.', retryAfter: 7 });
  });

  it('reports a code outside the catalog as http_error, so a caller never branches on a name the server does not define', async () => {
    const error = await readAuthError(answer(418, { error: 'teapot', message: 'short and stout' }));
    expect({ code: error.code, status: error.status }).toEqual({ code: 'http_error', status: 418 });
  });

  it('ends the session on exactly the wire list of session-ending codes', () => {
    expect([...SESSION_ENDING_CODES]).toEqual(['invalid_grant', 'invalid_token', 'csrf_failed']);
    for (const code of Object.keys(ERROR_CATALOG) as (keyof typeof ERROR_CATALOG)[]) {
      expect({ code, ends: endsSession(new AuthError(code, ERROR_CATALOG[code].status, 'x')) }).toEqual({ code, ends: (SESSION_ENDING_CODES as readonly string[]).includes(code) });
    }
    expect(endsSession(new AuthError('network_error', 0, 'x'))).toBe(false);
  });
});
