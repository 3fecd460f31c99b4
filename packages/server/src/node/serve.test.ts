import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRemoteJWKSet, exportJWK, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveKeys, parseSecret } from '@tessera/core';
import { demoApi } from '@tessera/demo-api';
import { loadConfig } from '../config.js';
import { startServer, type RunningServer } from './serve.js';
import { dpopTestKey } from '../../test/dpop.js';
import { cookieHeader, cookieJar, PASSWORD, TEST_SECRET } from '../../test/harness.js';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(env: Record<string, string>, dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-serve-')), pagesDir?: string) {
  const config = loadConfig({ PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_RATE_LIMIT: 'off', ...env }, dataDir);
  const server = await startServer(config, { log: () => {}, onEvent: () => {}, demoApi, ...(pagesDir ? { pagesDir } : {}) });
  running.push(server);
  return { server, dataDir, url: server.url };
}

async function signup(url: string, email = 'ann@example.test') {
  const response = await fetch(`${url}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(201);
  return { body: (await response.json()) as { accessToken: string; csrfToken: string }, jar: cookieJar(response) };
}

describe('interop: any standard JOSE library verifies our tokens from the JWKS', () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
    it(`${alg}: jose + createRemoteJWKSet verifies an issued token`, async () => {
      const { url } = await start({ TESSERA_SIGNING_ALG: alg });
      const { body } = await signup(url);
      const jwks = createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(body.accessToken, jwks, { issuer: url, audience: 'tessera', typ: 'at+jwt', algorithms: [alg] });
      expect(protectedHeader).toMatchObject({ alg, typ: 'at+jwt' });
      expect(payload.sub).toBeTypeOf('string');
    });
  }

  it('HS256: verifies with the key derived from TESSERA_SECRET, and the JWKS publishes no secret', async () => {
    const secret = TEST_SECRET;
    const { url } = await start({ TESSERA_SIGNING_ALG: 'HS256', TESSERA_SECRET: secret });
    const { body } = await signup(url);
    await jwtVerify(body.accessToken, deriveKeys(parseSecret(secret)).hs256, { issuer: url, audience: 'tessera', typ: 'at+jwt', algorithms: ['HS256'] });
    expect(await (await fetch(`${url}/.well-known/jwks.json`)).json()).toEqual({ keys: [] });
  });

  it('TESSERA_SIGNING_KEY works as a private JWK and as a PEM, and its public part is what the JWKS publishes', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = JSON.stringify(await exportJWK(privateKey));
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    for (const text of [jwk, pem]) {
      const { url } = await start({ TESSERA_SIGNING_KEY: text });
      const { body } = await signup(url);
      const published = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { x: string; d?: string }[] };
      expect(published.keys).toHaveLength(1);
      expect(published.keys[0]!.x).toBe(JSON.parse(jwk).x);
      expect(published.keys[0]!.d).toBeUndefined();
      await jwtVerify(body.accessToken, createRemoteJWKSet(new URL(`${url}/.well-known/jwks.json`)), { issuer: url, audience: 'tessera' });
    }
  });
});

describe('a restart keeps users, sessions, revocations and keys', () => {
  it('survives a restart on the same SQLite file and secret file', async () => {
    // A fixed issuer: the second start binds another free port, and tokens name the issuer.
    const env = { TESSERA_ISSUER: 'http://localhost:3999' };
    const first = await start(env);
    const secretFile = path.join(first.dataDir, 'secret');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);
    const kept = await signup(first.url);
    const ended = await signup(first.url, 'bob@example.test');
    const logout = await fetch(`${first.url}/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${ended.body.accessToken}` } });
    expect(logout.status).toBe(204);
    const jwksBefore = await (await fetch(`${first.url}/.well-known/jwks.json`)).json();
    await first.server.close();
    running.splice(running.indexOf(first.server), 1);

    const second = await start(env, first.dataDir);
    expect(await (await fetch(`${second.url}/.well-known/jwks.json`)).json()).toEqual(jwksBefore);
    const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    expect((await fetch(`${second.url}/api/number`, bearer(kept.body.accessToken))).status).toBe(200);
    const revoked = await fetch(`${second.url}/api/number`, bearer(ended.body.accessToken));
    expect(revoked.status).toBe(401);
    expect(await revoked.json()).toMatchObject({ error: 'invalid_token' });
    const refreshed = await fetch(`${second.url}/auth/refresh`, { method: 'POST', headers: { cookie: cookieHeader(kept.jar), 'x-csrf-token': kept.body.csrfToken } });
    expect(refreshed.status).toBe(200);
    const login = await fetch(`${second.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ann@example.test', password: PASSWORD }) });
    expect(login.status).toBe(200);
  });
});

describe('the Node listener', () => {
  it('refuses two Authorization headers instead of picking one', async () => {
    const { url } = await start({});
    const { body } = await signup(url);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${url}/api/number`, { headers: [['authorization', `Bearer ${body.accessToken}`], ['authorization', 'Bearer x.y.z']] as unknown as Record<string, string> }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });

  it('answers a 20 KB header with a 4xx, not a 5xx', async () => {
    const { url } = await start({});
    const response = await fetch(`${url}/api/number`, { headers: { authorization: `Bearer ${'a'.repeat(20 * 1024)}.b.c` } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });

  it('with TESSERA_DPOP_NONCE=on asks a proof for the server nonce and binds the session once it carries it', async () => {
    const { url } = await start({ TESSERA_DPOP_NONCE: 'on' });
    const device = dpopTestKey(Date.now);
    const signUp = (nonce?: string) => fetch(`${url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', dpop: device.proof('POST', `${url}/auth/signup`, nonce === undefined ? {} : { nonce }) },
      body: JSON.stringify({ email: 'ann@example.test', password: PASSWORD }),
    });
    const asked = await signUp();
    expect(asked.status).toBe(401);
    expect(((await asked.json()) as { error: string }).error).toBe('use_dpop_nonce');
    const nonce = asked.headers.get('dpop-nonce');
    expect(nonce).toEqual(expect.any(String));
    const created = await signUp(nonce!);
    expect(created.status).toBe(201);
    expect(((await created.json()) as { tokenType: string }).tokenType).toBe('DPoP');
  });
});

describe('the demo pages', () => {
  it('serves the built app, falls back to index.html for client routes, and leaves the API alone', async () => {
    const pagesDir = mkdtempSync(path.join(tmpdir(), 'tessera-pages-'));
    mkdirSync(path.join(pagesDir, 'assets'));
    writeFileSync(path.join(pagesDir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(path.join(pagesDir, 'assets', 'app.js'), 'console.log(1)');
    const { url } = await start({}, undefined, pagesDir);
    const home = await fetch(`${url}/`);
    expect(await home.text()).toContain('<title>demo</title>');
    expect(home.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(await (await fetch(`${url}/sessions`)).text()).toContain('<title>demo</title>');
    expect(await (await fetch(`${url}/assets/app.js`)).text()).toBe('console.log(1)');
    const missing = await fetch(`${url}/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
    expect((await fetch(`${url}/api/number`)).status).toBe(401);
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    // Without TESSERA_DEMO_NUMBER_URL the pages talk to this origin only, and /config.js is the built file.
    expect(home.headers.get('content-security-policy')).toBe("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    expect((await fetch(`${url}/config.js`)).status).toBe(404);
  });

  it('TESSERA_DEMO_NUMBER_URL: /config.js points the demo at that service, and the pages may connect to its origin only', async () => {
    const pagesDir = mkdtempSync(path.join(tmpdir(), 'tessera-pages-'));
    writeFileSync(path.join(pagesDir, 'index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(path.join(pagesDir, 'config.js'), 'window.TESSERA_CONFIG = window.TESSERA_CONFIG || {};');
    const { url } = await start({ TESSERA_DEMO_NUMBER_URL: 'http://localhost:4000/getnumber' }, undefined, pagesDir);
    const config = await fetch(`${url}/config.js`);
    expect(config.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await config.text()).toBe('window.TESSERA_CONFIG = {"numberUrl":"http://localhost:4000/getnumber"};\n');
    const home = await fetch(`${url}/number`);
    expect(home.headers.get('content-security-policy')).toBe(
      "default-src 'self'; connect-src 'self' http://localhost:4000; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    // The API keeps its own headers.
    expect((await fetch(`${url}/api/number`)).headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  });

  it('with TESSERA_DEMO=off serves neither the demo pages nor its /api routes; the auth API stays', async () => {
    const pagesDir = mkdtempSync(path.join(tmpdir(), 'tessera-pages-'));
    writeFileSync(path.join(pagesDir, 'index.html'), '<!doctype html><title>demo</title>');
    const { url } = await start({ TESSERA_DEMO: 'off' }, undefined, pagesDir);
    for (const route of ['/', '/sessions', '/api/number', '/api/user']) {
      const response = await fetch(`${url}${route}`);
      expect(response.status, route).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    }
    const { body } = await signup(url);
    expect((await fetch(`${url}/auth/me`, { headers: { authorization: `Bearer ${body.accessToken}` } })).status).toBe(200);
    // The document describes what is served: no demo routes, no demo tag.
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown>; tags: { name: string }[] };
    expect(Object.keys(document.paths).filter((route) => route.startsWith('/api/'))).toEqual([]);
    expect(document.tags.map((tag) => tag.name)).not.toContain('demo');
  });

  it('with TESSERA_DEMO=on serves the demo API (@tessera/demo-api) behind a Bearer token, and documents it under the demo tag', async () => {
    const { url } = await start({ TESSERA_DEMO: 'on' });
    const { body } = await signup(url);
    const bearer = { authorization: `Bearer ${body.accessToken}` };
    const refused = await fetch(`${url}/api/number`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    const { number } = (await (await fetch(`${url}/api/number`, { headers: bearer })).json()) as { number: number };
    expect(Number.isInteger(number) && number >= 1 && number <= 10).toBe(true);
    const user = await fetch(`${url}/api/user`, { headers: bearer });
    expect(user.status).toBe(200);
    expect(await user.json()).toEqual({ id: expect.any(String) as string, email: 'ann@example.test', name: null });
    const document = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, Record<string, { tags: string[] }>> };
    expect(document.paths['/api/number']?.get?.tags).toEqual(['demo']);
    expect(document.paths['/api/user']?.get?.tags).toEqual(['demo']);
  });

  it('answers GET /readyz with 200 and each store it reached (the SQLite database here)', async () => {
    const { url } = await start({});
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'ready', stores: { database: 'ok' } });
  });
});

describe('security headers on the Node listener (set on the socket response, not by the app)', () => {
  it('sends nosniff everywhere, no-store + frame-ancestors + no-referrer on the API, HSTS only behind HTTPS', async () => {
    const { url } = await start({ TESSERA_TRUST_PROXY: '1' });
    const { body } = await signup(url);
    for (const [path, init] of [['/api/number', { headers: { authorization: `Bearer ${body.accessToken}` } }], ['/api/number', {}], ['/auth/me?x=1', {}]] as const) {
      const response = await fetch(`${url}${path}`, init);
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('cache-control'), path).toBe('no-store');
      expect(response.headers.get('content-security-policy'), path).toBe("frame-ancestors 'none'");
      expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(response.headers.get('strict-transport-security'), path).toBeNull();
    }
    const health = await fetch(`${url}/healthz`);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('cache-control')).toBeNull();
    const jwks = await fetch(`${url}/.well-known/jwks.json`);
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    const forwarded = await fetch(`${url}/healthz`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(forwarded.headers.get('strict-transport-security')).toMatch(/^max-age=31536000/);
  });
});
