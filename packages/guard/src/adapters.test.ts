import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuard, type Guard } from './index.js';
import { FRAMEWORKS, rawGet, type Listening } from '../test/frameworks.js';
import { startTessera, type Tessera } from '../test/tessera.js';

let tessera: Tessera;
let guard: Guard;
let clockOffsetMs = 0;
let token: string;

beforeAll(async () => {
  tessera = await startTessera();
  guard = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl, now: () => Date.now() + clockOffsetMs });
  token = (await tessera.signup()).accessToken;
});
afterAll(async () => {
  await guard.close();
  await tessera.close();
});

interface Answer {
  status: number;
  challenge: string | null;
  cacheControl: string | null;
  body: unknown;
}

async function get(url: string, authorization?: string): Promise<Answer> {
  const response = await fetch(url, { headers: authorization === undefined ? {} : { authorization } });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, challenge: response.headers.get('www-authenticate'), cacheControl: response.headers.get('cache-control'), body: await response.json() };
}

const challenge = (error: string, description: string) => `Bearer realm="tessera", error="${error}", error_description="${description}"`;

describe.each(Object.keys(FRAMEWORKS))('requireAuth on %s, on its real listener', (framework) => {
  let app: Listening;
  beforeAll(async () => {
    app = await FRAMEWORKS[framework]!(guard);
  });
  afterAll(() => app.close());

  it('a valid token reaches the route with its claims as auth', async () => {
    const answer = await get(`${app.url}/me`, `Bearer ${token}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ auth: await guard.verify(token) });
  });

  it('a token after two spaces (RFC 6750: "Bearer" 1*SP b64token) reaches the route too', async () => {
    const answer = await get(`${app.url}/me`, `Bearer  ${token}`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ auth: await guard.verify(token) });
  });

  it('no token: 401 with exactly WWW-Authenticate: Bearer realm="tessera"', async () => {
    for (const authorization of [undefined, 'Basic dXNlcjpwYXNz']) {
      expect(await get(`${app.url}/me`, authorization)).toEqual({
        status: 401,
        challenge: 'Bearer realm="tessera"',
        cacheControl: 'no-store',
        body: { error: 'invalid_token', message: 'This endpoint needs an access token in the Authorization header.' },
      });
    }
  });

  it('bad, wrong-audience and wrong-issuer tokens: 401 invalid_token with the reason in the challenge', async () => {
    const cases: [string, string][] = [
      ['abc.def', 'the token is not a compact JWS of three segments'],
      [`${token.slice(0, -4)}AAAA`, 'the token signature is invalid'],
      [tessera.mint({ aud: 'billing' }), 'the token is meant for another audience'],
      [tessera.mint({ iss: 'https://evil.example' }), 'the token was not issued by this issuer'],
    ];
    for (const [bad, reason] of cases) {
      const answer = await get(`${app.url}/me`, `Bearer ${bad}`);
      expect(answer).toMatchObject({ status: 401, challenge: challenge('invalid_token', reason), body: { error: 'invalid_token', message: reason } });
    }
  });

  it('an expired token: body token_expired, but error="invalid_token" on the wire (RFC 6750)', async () => {
    clockOffsetMs = 16 * 60_000;
    try {
      const answer = await get(`${app.url}/me`, `Bearer ${token}`);
      expect(answer).toMatchObject({ status: 401, challenge: challenge('invalid_token', 'The access token has expired.'), body: { error: 'token_expired' } });
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('a malformed Authorization header, or two of them: 400 invalid_request', async () => {
    const answer = await get(`${app.url}/me`, 'Bearer');
    const sentence = 'The Authorization header must be "Bearer", one or more spaces, then one token.';
    // The challenge drops the quotes a quoted-string cannot hold; the body keeps the sentence whole.
    const challenged = challenge('invalid_request', 'The Authorization header must be Bearer, one or more spaces, then one token.');
    expect(answer).toEqual({ status: 400, challenge: challenged, cacheControl: 'no-store', body: { error: 'invalid_request', message: sentence } });
    const twice = await rawGet(`${app.url}/me`, ['authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`]);
    expect(twice.status).toBe(400);
    expect(twice.body).toMatchObject({ error: 'invalid_request' });
    expect(twice.headers['www-authenticate']).toMatch(/^Bearer realm="tessera", error="invalid_request"/);
    if (framework !== 'hono') {
      // Node frameworks see every header (headersDistinct), so the answer is the server's word for word; Hono gets
      // them joined by Fetch's Headers, which is refused as malformed.
      const server = await rawGet(`${tessera.url}/auth/me`, ['authorization', `Bearer ${token}`, 'authorization', `Bearer ${token}`]);
      expect([twice.body, twice.headers['www-authenticate']]).toEqual([server.body, server.headers['www-authenticate']]);
    }
  });

  it('missing roles or scopes: 403 insufficient_scope; with them: 200', async () => {
    const admin = await get(`${app.url}/admin`, `Bearer ${token}`);
    expect(admin).toEqual({
      status: 403,
      challenge: challenge('insufficient_scope', 'This resource needs the role admin.'),
      cacheControl: 'no-store',
      body: { error: 'insufficient_scope', message: 'This resource needs the role admin.' },
    });
    expect((await get(`${app.url}/admin`, `Bearer ${tessera.mint({ roles: ['admin'] })}`)).status).toBe(200);
    expect((await get(`${app.url}/scoped`, `Bearer ${token}`)).body).toEqual({ error: 'insufficient_scope', message: 'This resource needs the scope read:things.' });
    expect((await get(`${app.url}/scoped`, `Bearer ${tessera.mint({ scope: 'read:things write:things' })}`)).status).toBe(200);
    expect((await get(`${app.url}/scoped`, `Bearer ${tessera.mint({ scp: ['read:things'] })}`)).status).toBe(200);
  });

  it('answers every failure exactly as the auth server does on its own Bearer routes', async () => {
    for (const authorization of [undefined, 'Basic x', 'Bearer', 'Bearer a b', 'bearer abc.def', `Bearer ${token.slice(0, -4)}AAAA`, `Bearer ${'a'.repeat(9000)}`]) {
      const ours = await get(`${app.url}/me`, authorization);
      const server = await get(`${tessera.url}/auth/me`, authorization);
      expect(ours).toEqual(server);
    }
  });
});
