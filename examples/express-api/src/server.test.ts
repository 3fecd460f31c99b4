import { mkdtempSync } from 'node:fs';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, startServer, type RunningServer } from '@tessera/server';
import { parseOrigins } from './cors.js';
import { createApi } from './server.js';
import { TEST_SECRET } from '@tessera/testing';

let tessera: RunningServer;
let api: Server;
let apiUrl: string;
let closeGuard: () => Promise<void>;

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-example-'));
  const config = loadConfig(
    { PORT: '0', TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_DATA_DIR: dataDir, TESSERA_SECRET: TEST_SECRET, TESSERA_RATE_LIMIT: 'off' },
    dataDir,
  );
  tessera = await startServer(config, { log: () => {} });
  const app = createApi({ jwksUrl: `${tessera.url}/.well-known/jwks.json`, issuer: tessera.url, audience: 'tessera' });
  closeGuard = () => app.locals.guard.close();
  api = app.listen(0, '127.0.0.1');
  await once(api, 'listening');
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    api.close(() => resolve());
    api.closeAllConnections();
  });
  await closeGuard();
  await tessera.close();
});

async function signup(email: string) {
  const response = await fetch(`${tessera.url}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: 'correct horse battery', transport: 'body' }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { accessToken: string; refreshToken: string; user: { id: string } };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('examples/express-api, driven with tokens from a running Tessera server', () => {
  it('GET /getuser answers the caller\'s sub, sid and roles', async () => {
    const { accessToken, user } = await signup('ann@example.test');
    const response = await fetch(`${apiUrl}/getuser`, bearer(accessToken));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { sub: string; sid: string; roles: string[] };
    expect(body).toEqual({ sub: user.id, sid: expect.any(String), roles: [] });
  });

  it('GET /getnumber answers a number from 1 to 10', async () => {
    const { accessToken } = await signup('bob@example.test');
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${apiUrl}/getnumber`, bearer(accessToken));
      expect(response.status).toBe(200);
      const { number } = (await response.json()) as { number: number };
      expect(Number.isInteger(number) && number >= 1 && number <= 10).toBe(true);
    }
  });

  it('without a token: 401 with WWW-Authenticate: Bearer realm="tessera" and the contract\'s JSON error', async () => {
    for (const route of ['/getuser', '/getnumber']) {
      const response = await fetch(`${apiUrl}${route}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
      expect(await response.json()).toEqual({ error: 'invalid_token', message: 'This endpoint needs an access token in the Authorization header.' });
    }
    const forged = await fetch(`${apiUrl}/getuser`, bearer('e30.e30.AAAA'));
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
  });

  it('without the Redis feed, a logout at Tessera is not seen here until the token expires (see the README)', async () => {
    const { accessToken, refreshToken } = await signup('cy@example.test');
    const logout = await fetch(`${tessera.url}/auth/logout`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    expect(logout.status).toBe(204);
    expect((await fetch(`${tessera.url}/auth/me`, bearer(accessToken))).status).toBe(401);
    expect((await fetch(`${apiUrl}/getuser`, bearer(accessToken))).status).toBe(200);
  });

  it('CORS: a listed front-end origin may call with a Bearer token; any other origin gets no CORS headers', async () => {
    const front = 'http://front.example.test';
    const app = createApi({ jwksUrl: `${tessera.url}/.well-known/jwks.json`, issuer: tessera.url, audience: 'tessera', corsOrigins: [front] });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const preflight = (origin: string) =>
        fetch(`${url}/getnumber`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
      const allowed = await preflight(front);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(front);
      expect(allowed.headers.get('access-control-allow-methods')).toBe('GET');
      expect(allowed.headers.get('access-control-allow-headers')).toBe('Authorization, DPoP');
      expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
      expect(allowed.headers.get('vary')).toBe('Origin');

      // The 401 that tells the front end to refresh must be readable there too.
      const { accessToken } = await signup('dee@example.test');
      const ok = await fetch(`${url}/getnumber`, { headers: { origin: front, authorization: `Bearer ${accessToken}` } });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('access-control-allow-origin')).toBe(front);
      const refused = await fetch(`${url}/getnumber`, { headers: { origin: front } });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe(front);

      for (const origin of ['http://evil.example.test', 'http://front.example.test:8080', 'null']) {
        const other = await preflight(origin);
        expect(other.status, origin).toBe(404);
        expect(other.headers.get('access-control-allow-origin'), origin).toBeNull();
        const read = await fetch(`${url}/getnumber`, { headers: { origin, authorization: `Bearer ${accessToken}` } });
        expect(read.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await app.locals.guard.close();
    }
  });

  it('CORS_ORIGINS takes exact origins and names itself when given anything else', () => {
    expect(parseOrigins(undefined)).toEqual([]);
    expect(parseOrigins(' http://localhost:3000 , https://app.example.com')).toEqual(['http://localhost:3000', 'https://app.example.com']);
    for (const bad of ['localhost:3000', 'http://localhost:3000/', 'https://app.example.com/app', '*']) {
      expect(() => parseOrigins(bad), bad).toThrow(`CORS_ORIGINS must list exact origins such as http://localhost:3000 (scheme, host and port, no path); "${bad}" is not one.`);
    }
  });
});
