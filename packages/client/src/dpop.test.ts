import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { AuthEvent } from '@tessera/core';
import { createDpopNonces } from '@tessera/core/dpop';
import { createGuard, type Guard } from '@tessera/guard';
import { requireAuth, type GuardEnv } from '@tessera/guard/hono';
import type { RunningServer } from '@tessera/server';
import axios, { type AxiosInstance } from 'axios';
import { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachTessera } from './axios.js';
import { AuthError } from './auth-error.js';
import { createAuthClient } from './create-auth-client.js';
import { REFRESH_TOKEN_KEY } from './credentials.js';
import { decodeClaims } from './decode-claims.js';
import { memoryDpopKeys, type DpopKeyStore } from './dpop/key-store.js';
import { asyncStorage, PASSWORD, sleep, startTestServer, uniqueEmail } from '../test/helpers.js';
import type { AuthClient, AuthClientOptions } from './types.js';

// Device-bound sessions (RFC 9449) from the client's side, against a real server: a native client (Node) whose
// key lives in memory, as a Node script's or a test's would. The browser's IndexedDB key is covered by the
// Chromium tests in e2e/browser/dpop.test.ts.
let server: RunningServer;
const events: AuthEvent[] = [];
const clients: AuthClient[] = [];

beforeAll(async () => {
  server = await startTestServer({}, { onEvent: (event) => events.push(event) });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

function client(options: Partial<AuthClientOptions> & { baseUrl?: string } = {}): AuthClient {
  const made = createAuthClient({ baseUrl: server.url, mode: 'native', crossTab: false, ...options });
  clients.push(made);
  return made;
}

/** RFC 7638, computed here independently of the client: what the server binds the session to. */
async function thumbprintOf(keys: DpopKeyStore): Promise<string> {
  const pair = await keys.load();
  if (pair === null) throw new Error('no key saved');
  const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

/** "200", or "401 use_dpop_nonce": a response's status and, for a 401, its error code. */
async function statusLine(response: Response): Promise<string> {
  return response.status === 401 ? `401 ${((await response.clone().json()) as { error: string }).error}` : String(response.status);
}

/** An axios instance with the client attached, noting the status of every answer it gets, retries included. */
function recordingAxios(baseURL: string, app: AuthClient): { instance: AxiosInstance; seen: number[] } {
  const instance = axios.create({ baseURL });
  const seen: number[] = [];
  instance.interceptors.response.use(
    (response) => {
      seen.push(response.status);
      return response;
    },
    (error: { response?: { status: number } }) => {
      seen.push(error.response?.status ?? 0);
      throw error;
    },
  );
  attachTessera(instance, app);
  return { instance, seen };
}

/** Serves an API on a free local port. */
async function listen(app: Hono<GuardEnv>): Promise<{ url: string; close(): Promise<void> }> {
  const listener = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => listener.once('listening', resolve));
  return {
    url: `http://127.0.0.1:${(listener.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => listener.close(() => resolve())),
  };
}

describe('a DPoP-bound session (native client, key in memory)', () => {
  it('binds the session to a key only this client holds, and presents its tokens with proofs', async () => {
    const keys = memoryDpopKeys();
    const app = client({ dpop: { keys } });
    await app.signup({ email: uniqueEmail('dpop'), password: PASSWORD });

    expect(app.getTokenType()).toBe('DPoP');
    const pair = await keys.load();
    // The private key can sign and nothing else: no script can read it out.
    expect(pair?.privateKey.extractable).toBe(false);
    const token = app.getAccessToken()!;
    expect(decodeClaims(token)?.cnf).toEqual({ jkt: await thumbprintOf(keys) });

    const answer = await app.fetch('/api/number');
    expect(answer.status).toBe(200);
    expect((await app.me()).email).toMatch(/^dpop/);
    // The same token without a proof, or as a bearer token, is worth nothing.
    expect((await fetch(`${server.url}/api/number`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await fetch(`${server.url}/api/number`, { headers: { authorization: `DPoP ${token}` } })).status).toBe(401);

    // Refreshes are signed by the same key, and the new tokens stay bound to it.
    const before = app.getAccessToken();
    await app.refresh();
    expect(app.getAccessToken()).not.toBe(before);
    expect(app.getTokenType()).toBe('DPoP');
    expect((await app.fetch('/api/number')).status).toBe(200);
  });

  it('gives other HTTP clients the headers of one request: the token and a proof for exactly that request', async () => {
    const app = client({ dpop: { keys: memoryDpopKeys() } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    const headers = (await app.requestHeaders('GET', '/api/number'))!;
    expect(headers.Authorization).toMatch(/^DPoP /);
    expect((await fetch(`${server.url}/api/number`, { headers })).status).toBe(200);
    // Good once: the server remembers the proof.
    expect((await fetch(`${server.url}/api/number`, { headers })).status).toBe(401);
    // And only for the request it names.
    const other = (await app.requestHeaders('POST', '/api/number'))!;
    expect((await fetch(`${server.url}/api/number`, { headers: other })).status).toBe(401);
  });

  it('a copied refresh token is refused anywhere the key is not, and the theft ends the session', async () => {
    const storage = asyncStorage();
    const app = client({ storage, dpop: { keys: memoryDpopKeys() } });
    const endings: unknown[] = [];
    app.on('logout', (detail) => endings.push(detail));
    const { id } = await app.signup({ email: uniqueEmail(), password: PASSWORD });

    // The thief copied the stored refresh token (a backup, malware) and signs with a key of its own.
    const thief = client({ storage: asyncStorage(new Map(storage.values)), dpop: { keys: memoryDpopKeys() } });
    await expect(thief.refresh()).rejects.toMatchObject({ code: 'invalid_grant' });
    expect(events.some((event) => event.type === 'stolen_token_detected' && event.userId === id)).toBe(true);

    // The session is revoked: the rightful app finds out at its next refresh, and says why.
    await expect(app.refresh()).rejects.toBeInstanceOf(AuthError);
    expect(app.getState().status).toBe('unauthenticated');
    expect(endings).toEqual([{ reason: 'session_ended', error: 'invalid_grant' }]);
  });

  it('a copy without any key is refused too', async () => {
    const storage = asyncStorage();
    const app = client({ storage, dpop: { keys: memoryDpopKeys() } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    const thief = client({ storage: asyncStorage(new Map(storage.values)) });
    await expect(thief.refresh()).rejects.toMatchObject({ code: 'invalid_grant' });
    await expect(app.refresh()).rejects.toMatchObject({ code: 'invalid_grant' });
  });

  it('a failed login leaves the live session its key', async () => {
    const keys = memoryDpopKeys();
    const app = client({ dpop: { keys } });
    const email = uniqueEmail();
    await app.signup({ email, password: PASSWORD });
    const bound = await thumbprintOf(keys);
    await expect(app.login({ email, password: 'not the password at all' })).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(await thumbprintOf(keys)).toBe(bound);
    await app.refresh();
    expect((await app.fetch('/api/number')).status).toBe(200);
  });

  it('a store that refuses the key does not undo the login: the session works in this client, and the app hears why', async () => {
    const full: DpopKeyStore = {
      load: async () => null,
      save: async () => {
        throw new Error('QuotaExceededError');
      },
      remove: async () => {},
    };
    const app = client({ dpop: { keys: full } });
    const errors: unknown[] = [];
    app.on('error', (error) => errors.push(error));
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    expect(app.getTokenType()).toBe('DPoP');
    expect(errors).toEqual([new Error('QuotaExceededError')]);
    expect((await app.fetch('/api/number')).status).toBe(200);
    await app.refresh();
    expect((await app.fetch('/api/number')).status).toBe(200);
  });

  it('a new session gets a new key, and logging out deletes it', async () => {
    const keys = memoryDpopKeys();
    const app = client({ dpop: { keys } });
    const email = uniqueEmail();
    await app.signup({ email, password: PASSWORD });
    const first = await thumbprintOf(keys);
    await app.logout();
    expect(await keys.load()).toBeNull();
    await app.login({ email, password: PASSWORD });
    expect(await thumbprintOf(keys)).not.toBe(first);
    expect(decodeClaims(app.getAccessToken()!)?.cnf).toEqual({ jkt: await thumbprintOf(keys) });
  });

  it('a restarted app signs its first refresh with the saved key', async () => {
    const storage = asyncStorage();
    const keys = memoryDpopKeys();
    const first = client({ storage, dpop: { keys } });
    await first.signup({ email: uniqueEmail(), password: PASSWORD });
    first.destroy();
    const restarted = client({ storage, dpop: { keys } });
    expect((await restarted.restore()).status).toBe('authenticated');
    expect(restarted.getTokenType()).toBe('DPoP');
    expect(storage.values.get(REFRESH_TOKEN_KEY)).toBeTruthy();
  });

  it('a store that writes the key out (a file, a key chain) brings the bound session back after a restart', async () => {
    // The pattern the README shows for React Native's SecureStore and for Node: the key pair as JWKs in a store
    // that outlives the process, next to the refresh token.
    const disk = new Map<string, string>();
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const fileKeys: DpopKeyStore = {
      extractable: true,
      async load() {
        const text = disk.get('tessera.dpopKey');
        if (text === undefined) return null;
        const { privateKey, publicKey } = JSON.parse(text) as { privateKey: JsonWebKey; publicKey: JsonWebKey };
        return {
          privateKey: await crypto.subtle.importKey('jwk', privateKey, algorithm, false, ['sign']),
          publicKey: await crypto.subtle.importKey('jwk', publicKey, algorithm, true, ['verify']),
        };
      },
      async save({ privateKey, publicKey }) {
        const [secret, open] = await Promise.all([crypto.subtle.exportKey('jwk', privateKey), crypto.subtle.exportKey('jwk', publicKey)]);
        disk.set('tessera.dpopKey', JSON.stringify({ privateKey: secret, publicKey: open }));
      },
      async remove() {
        disk.delete('tessera.dpopKey');
      },
    };
    const storage = asyncStorage();
    const first = client({ storage, dpop: { keys: fileKeys } });
    await first.signup({ email: uniqueEmail(), password: PASSWORD });
    expect(first.getTokenType()).toBe('DPoP');
    first.destroy();
    // A new process: nothing in memory, the key and the refresh token read back from "disk".
    const restarted = client({ storage, dpop: { keys: fileKeys } });
    expect((await restarted.restore()).status).toBe('authenticated');
    expect(restarted.getTokenType()).toBe('DPoP');
    expect((await restarted.fetch('/api/number')).status).toBe(200);
  });

  it('works from a device whose clock is ten minutes off (proofs take the server\'s time)', async () => {
    const app = client({ dpop: { keys: memoryDpopKeys() }, clock: () => Date.now() + 10 * 60_000 });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    expect(app.getTokenType()).toBe('DPoP');
    expect((await app.fetch('/api/number')).status).toBe(200);
    await app.refresh();
    expect((await app.fetch('/api/number')).status).toBe(200);
  });

  it('a device clock that jumps mid-session costs one refused proof: the answer\'s Date puts the retry on the server\'s time', async () => {
    let offset = 0;
    const statuses: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith('/api/number')) statuses.push(await statusLine(response));
      return response;
    };
    const app = client({ fetch: recording, dpop: { keys: memoryDpopKeys() }, clock: () => Date.now() + offset });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    // The user sets the phone's clock ten minutes ahead: the next proof's iat is from the future.
    offset = 10 * 60_000;
    expect((await app.fetch('/api/number')).status).toBe(200);
    expect((await app.fetch('/api/number')).status).toBe(200);
    expect(statuses).toEqual(['401 invalid_dpop_proof', '200', '200']);

    // The same through axios, after another jump.
    offset = -10 * 60_000;
    const { instance, seen } = recordingAxios(server.url, app);
    expect((await instance.get('/api/number')).status).toBe(200);
    expect((await instance.get('/api/number')).status).toBe(200);
    expect(seen).toEqual([401, 200, 200]);
    expect(app.getState().status).toBe('authenticated');
  });

  it('a proof refused for anything else is sent once: no retry, no loop, and the session stands', async () => {
    const statuses: string[] = [];
    // A proxy that rewrites the path: the proof names a URL the server did not receive (htu).
    const rewriting: typeof fetch = async (input, init) => {
      const response = await fetch(String(input).replace('/api/number-via-proxy', '/api/number'), init);
      statuses.push(await statusLine(response));
      return response;
    };
    const app = client({ fetch: rewriting, dpop: { keys: memoryDpopKeys() } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    statuses.length = 0;
    expect((await app.fetch('/api/number-via-proxy')).status).toBe(401);
    expect(statuses).toEqual(['401 invalid_dpop_proof']);
    expect(app.getState().status).toBe('authenticated');
    expect((await app.fetch('/api/number')).status).toBe(200);
  });

  it('dpop: false keeps sessions Bearer', async () => {
    const app = client({ dpop: false });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    expect(app.getTokenType()).toBe('Bearer');
    expect(decodeClaims(app.getAccessToken()!)?.cnf).toBeUndefined();
    expect((await app.fetch('/api/number')).status).toBe(200);
  });

  it('refuses a dpop option that is not a key store', () => {
    expect(() => createAuthClient({ baseUrl: server.url, mode: 'native', dpop: {} as never })).toThrow(/dpop must be false or \{ keys \}/);
  });
});

describe('a server with DPoP off', () => {
  let plain: RunningServer;
  beforeAll(async () => {
    plain = await startTestServer({ TESSERA_DPOP: 'off' });
  });
  afterAll(async () => {
    await plain.close();
  });

  it('answers with a Bearer session, and the client keeps no key', async () => {
    const keys = memoryDpopKeys();
    const app = client({ baseUrl: plain.url, dpop: { keys } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    expect(app.getTokenType()).toBe('Bearer');
    expect(await keys.load()).toBeNull();
    await app.refresh();
    expect((await app.fetch('/api/number')).status).toBe(200);
  });
});

describe('a server that asks for nonces (TESSERA_DPOP_NONCE=on)', () => {
  let strict: RunningServer;
  const sent: string[] = [];
  beforeAll(async () => {
    strict = await startTestServer({ TESSERA_DPOP_NONCE: 'on' });
  });
  afterAll(async () => {
    await strict.close();
  });

  it('signs again with the server\'s nonce when asked, then includes it from the start', async () => {
    const answers: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(init?.headers);
      if (headers.has('dpop')) sent.push(headers.get('dpop')!);
      answers.push(`${new URL(String(input)).pathname} ${response.status}`);
      return response;
    };
    const app = client({ baseUrl: strict.url, fetch: recording, dpop: { keys: memoryDpopKeys() } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    expect(app.getTokenType()).toBe('DPoP');
    // The first proof had no nonce: refused once with use_dpop_nonce, then signed again with it.
    expect(answers).toEqual(['/auth/signup 401', '/auth/signup 201']);
    expect((await app.fetch('/api/number')).status).toBe(200);
    await app.refresh();
    expect((await app.fetch('/api/number')).status).toBe(200);
    expect(answers.slice(2)).toEqual(['/api/number 200', '/auth/refresh 200', '/api/number 200']);
    const nonces = sent.map((proof) => (decodeClaims(proof) as { nonce?: string }).nonce);
    expect(nonces[0]).toBeUndefined();
    expect(nonces.slice(1).every((nonce) => typeof nonce === 'string' && nonce.length > 0)).toBe(true);
  });
});

describe('an API behind @tessera/guard that asks for nonces', () => {
  let guard: Guard;
  let api: { url: string; close(): Promise<void> };
  // The nonces' own clock: moving it ages the API's nonce without touching the proofs' iat.
  let nonceTime = Date.now();
  const statuses: string[] = [];

  beforeAll(async () => {
    const nonces = createDpopNonces({ secret: randomBytes(32), now: () => nonceTime });
    guard = createGuard({ issuer: server.url, audience: 'tessera', algorithms: ['ES256'], jwksUrl: `${server.url}/.well-known/jwks.json`, dpop: { nonces } });
    const app = new Hono<GuardEnv>();
    app.get('/me', requireAuth(guard), (c) => c.json({ sub: c.get('auth').sub }));
    api = await listen(app);
  });
  afterAll(async () => {
    await guard.close();
    await api.close();
  });

  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === '/me') statuses.push(await statusLine(response));
    return response;
  };

  it('client.fetch signs again with the nonce an API hands out, once, and again when it goes stale', async () => {
    const app = client({ fetch: recording, apiOrigins: [server.url, api.url], dpop: { keys: memoryDpopKeys() } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    statuses.length = 0;
    expect((await app.fetch(`${api.url}/me`)).status).toBe(200);
    expect((await app.fetch(`${api.url}/me`)).status).toBe(200);
    nonceTime += 10 * 60_000;
    expect((await app.fetch(`${api.url}/me`)).status).toBe(200);
    expect(statuses).toEqual(['401 use_dpop_nonce', '200', '200', '401 use_dpop_nonce', '200']);
    expect(app.getState().status).toBe('authenticated');
  });

  it('the axios adapter does the same', async () => {
    const app = client({ apiOrigins: [server.url, api.url], dpop: { keys: memoryDpopKeys() } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    const { instance, seen } = recordingAxios(api.url, app);
    expect((await instance.get('/me')).status).toBe(200);
    nonceTime += 10 * 60_000;
    expect((await instance.get('/me')).status).toBe(200);
    expect((await instance.get('/me')).status).toBe(200);
    expect(seen).toEqual([401, 200, 401, 200, 200]);
  });
});

describe('an API whose clock is ten minutes ahead of the auth server\'s', () => {
  const AHEAD = 10 * 60_000;
  let guard: Guard;
  let api: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    guard = createGuard({ issuer: server.url, audience: 'tessera', algorithms: ['ES256'], jwksUrl: `${server.url}/.well-known/jwks.json`, now: () => Date.now() + AHEAD });
    const app = new Hono<GuardEnv>();
    // Its host's clock is wrong, and so is the Date header it answers with.
    app.use('*', async (c, next) => {
      await next();
      c.header('Date', new Date(Date.now() + AHEAD).toUTCString());
    });
    app.get('/me', requireAuth(guard), (c) => c.json({ sub: c.get('auth').sub }));
    api = await listen(app);
  });
  afterAll(async () => {
    await guard.close();
    await api.close();
  });

  it('each server gets proofs on its own time: the API refuses one, then neither refuses any', async () => {
    const statuses: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = String(input);
      if (url.endsWith('/me') || url.endsWith('/api/number')) statuses.push(`${url.startsWith(api.url) ? 'api' : 'auth'} ${await statusLine(response)}`);
      return response;
    };
    const app = client({ fetch: recording, apiOrigins: [server.url, api.url], dpop: { keys: memoryDpopKeys() } });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    for (const url of [`${api.url}/me`, '/api/number', `${api.url}/me`, '/api/number']) expect((await app.fetch(url)).status).toBe(200);
    expect(statuses).toEqual(['api 401 invalid_dpop_proof', 'api 200', 'auth 200', 'api 200', 'auth 200']);
  });
});

describe('axios on a DPoP-bound session', () => {
  let short: RunningServer;
  beforeAll(async () => {
    short = await startTestServer({ TESSERA_ACCESS_TTL: '1s' });
  });
  afterAll(async () => {
    await short.close();
  });

  it('sends a proof with every request, and a new one with the retry after a refresh', async () => {
    const app = client({ baseUrl: short.url, dpop: { keys: memoryDpopKeys() }, refreshLeewaySeconds: 0 });
    await app.signup({ email: uniqueEmail(), password: PASSWORD });
    const api = axios.create({ baseURL: short.url });
    const proofs: string[] = [];
    api.interceptors.request.use((config) => {
      const proof = config.headers.get('DPoP');
      if (typeof proof === 'string') proofs.push(proof);
      return config;
    });
    attachTessera(api, app);
    expect((await api.get('/api/number')).status).toBe(200);
    // Let the token expire on the server (1 s, no tolerance) before the client's timer refreshes it.
    app.destroy();
    await sleep(2_100);
    const answer = await api.get('/api/number');
    expect(answer.status).toBe(200);
    expect(app.getTokenType()).toBe('DPoP');
    // The first call, the expired call and its retry: three requests, three different proofs.
    expect(proofs).toHaveLength(3);
    expect(new Set(proofs).size).toBe(3);
  });
});
