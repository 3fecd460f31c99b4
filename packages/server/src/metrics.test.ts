import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { demoApi } from '@tessera/demo-api';
import { TEST_SECRET } from '@tessera/testing';
import { ConfigError, loadConfig } from './config.js';
import { observeStores } from './metrics/observe-stores.js';
import { dpopTestKey } from '../test/dpop.js';
import { scrape } from '../test/metrics.js';
import { startServer, type RunningServer } from './node/serve.js';
import { PASSWORD } from '../test/harness.js';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';

const running: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

async function start(env: Record<string, string>, now?: () => number) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-metrics-'));
  const config = loadConfig({ PORT: '0', TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_SECRET: TEST_SECRET, TESSERA_DATA_DIR: dataDir, ...env }, dataDir);
  const server = await startServer(config, { log: () => {}, onEvent: () => {}, demoApi, ...(now ? { now } : {}) });
  running.push(server);
  return server;
}

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env, '/tmp');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('metrics on a listener of their own (TESSERA_METRICS_PORT)', () => {
  it('counts what happened, by route template and reason, and the scrape parses as Prometheus text', async () => {
    let clockMs = Date.UTC(2031, 0, 1);
    const server = await start({ TESSERA_METRICS_PORT: '0' }, () => clockMs);
    const { url } = server;
    expect(server.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);

    const signup = await post(`${url}/auth/signup`, { email: 'ann@example.test', password: PASSWORD, transport: 'body' });
    expect(signup.status).toBe(201);
    const { accessToken, refreshToken: first } = (await signup.json()) as { accessToken: string; refreshToken: string };
    const bearer = { headers: { authorization: `Bearer ${accessToken}` } };
    expect((await fetch(`${url}/api/number`, bearer)).status).toBe(200);
    expect((await fetch(`${url}/api/number`, bearer)).status).toBe(200);

    expect((await post(`${url}/auth/login`, { email: 'ann@example.test', password: PASSWORD })).status).toBe(200);
    expect((await post(`${url}/auth/login`, { email: 'nobody@example.test', password: PASSWORD })).status).toBe(401);
    // Ten wrong passwords lock the account; the eleventh attempt is refused by the limit without a password check.
    for (let i = 0; i < 10; i++) expect((await post(`${url}/auth/login`, { email: 'ann@example.test', password: 'wrong password!' })).status).toBe(401);
    expect((await post(`${url}/auth/login`, { email: 'ann@example.test', password: 'wrong password!' })).status).toBe(429);

    const rotated = await post(`${url}/auth/refresh`, { refreshToken: first });
    expect(rotated.status).toBe(200);
    // The same token again at once: a concurrent refresh, answered within the grace window.
    expect((await post(`${url}/auth/refresh`, { refreshToken: first })).status).toBe(200);
    clockMs += 11_000;
    // And again after the window: reuse, which revokes the session.
    const reused = await post(`${url}/auth/refresh`, { refreshToken: first });
    expect(reused.status).toBe(401);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });

    expect((await fetch(`${url}/auth/sessions/a-raw-session-id-42`, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(`${url}/no/such/page-1234`)).status).toBe(404);
    // Refused by a middleware before any route ran: labelled with that middleware's wildcard, not the path.
    expect((await fetch(`${url}/api/number`, { headers: { authorization: `Bearer ${'a'.repeat(9000)}` } })).status).toBe(400);
    // A method is a label too: anything beyond the usual ones (here WebDAV's) is counted as OTHER.
    expect((await fetch(`${url}/healthz`, { method: 'PROPFIND' })).status).toBe(404);
    // Not on the public port.
    const publicMetrics = await fetch(`${url}/metrics`);
    expect(publicMetrics.status).toBe(404);
    expect(await publicMetrics.json()).toMatchObject({ error: 'not_found' });

    const m = await scrape(server.metricsUrl!);
    const requests = (labels: Record<string, string>) => m.value('tessera_http_requests_total', labels);
    expect(m.type('tessera_http_requests_total')).toBe('COUNTER');
    expect(requests({ method: 'POST', route: '/auth/signup', status: '201' })).toBe(1);
    expect(requests({ method: 'GET', route: '/api/number', status: '200' })).toBe(2);
    expect(requests({ method: 'POST', route: '/auth/login', status: '200' })).toBe(1);
    expect(requests({ method: 'POST', route: '/auth/login', status: '401' })).toBe(11);
    expect(requests({ method: 'POST', route: '/auth/login', status: '429' })).toBe(1);
    expect(requests({ method: 'POST', route: '/auth/refresh', status: '200' })).toBe(2);
    expect(requests({ method: 'POST', route: '/auth/refresh', status: '401' })).toBe(1);
    expect(requests({ method: 'DELETE', route: '/auth/sessions/:id', status: '401' })).toBe(1);
    expect(requests({ method: 'GET', route: 'unmatched', status: '404' })).toBe(2);
    expect(requests({ method: 'OTHER', route: 'unmatched', status: '404' })).toBe(1);
    expect(requests({ method: 'GET', route: '/*', status: '400' })).toBe(1);
    expect(new Set(m.samples('tessera_http_requests_total').map((s) => s.labels?.method))).toEqual(new Set(['GET', 'POST', 'DELETE', 'OTHER']));
    // Low cardinality: no label carries a raw path, an email or a token.
    const routes = new Set(m.samples('tessera_http_requests_total').map((s) => s.labels?.route));
    expect([...routes].sort()).toEqual(['/*', '/api/number', '/auth/login', '/auth/refresh', '/auth/sessions/:id', '/auth/signup', 'unmatched']);

    const latency = m.histogram('tessera_http_request_duration_seconds', { method: 'POST', route: '/auth/login' });
    expect(m.type('tessera_http_request_duration_seconds')).toBe('HISTOGRAM');
    expect(latency.count).toBe(13);
    expect(latency.buckets['+Inf']).toBe(13);
    expect(Object.keys(latency.buckets)).toHaveLength(13);
    expect(latency.sum).toBeGreaterThan(0);

    expect(m.value('tessera_signups_total')).toBe(1);
    expect(m.value('tessera_logins_total', { result: 'succeeded' })).toBe(1);
    expect(m.value('tessera_logins_total', { result: 'failed', reason: 'unknown_email' })).toBe(1);
    expect(m.value('tessera_logins_total', { result: 'failed', reason: 'wrong_password' })).toBe(10);
    expect(m.value('tessera_logins_total', { result: 'failed', reason: 'rate_limited' })).toBe(1);
    expect(m.value('tessera_lockouts_total')).toBe(1);
    expect(m.value('tessera_rate_limited_total', { action: 'login' })).toBe(1);
    expect(m.value('tessera_refreshes_total', { kind: 'rotation' })).toBe(1);
    expect(m.value('tessera_refreshes_total', { kind: 'grace' })).toBe(1);
    expect(m.value('tessera_refresh_reuse_detections_total')).toBe(1);
    expect(m.value('tessera_session_revocations_total', { reason: 'reuse' })).toBe(1);
    // The first /api/number verified the token in full; the second found it in the cache.
    expect(m.value('tessera_verify_cache_misses_total')).toBe(1);
    expect(m.value('tessera_verify_cache_hits_total')).toBe(1);

    expect(m.histogram('tessera_store_operation_duration_seconds', { store: 'users', operation: 'createUser' }).count).toBe(1);
    expect(m.histogram('tessera_store_operation_duration_seconds', { store: 'sessions', operation: 'rotateSession' }).count).toBeGreaterThanOrEqual(1);
    expect(m.samples('tessera_store_errors_total')).toEqual([]);

    expect(m.value('tessera_password_work_running')).toBe(0);
    expect(m.value('tessera_password_work_waiting')).toBe(0);
    expect(m.type('tessera_password_work_refused_total')).toBe('COUNTER');
    expect(m.type('tessera_password_work_waited_seconds_total')).toBe('COUNTER');
    expect(m.value('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(m.type('nodejs_heap_size_used_bytes')).toBe('GAUGE');
  });

  it('counts a refresh token stolen from a DPoP-bound session, by what the thief sent instead of the key\'s proof', async () => {
    const server = await start({ TESSERA_METRICS_PORT: '0' });
    const { url } = server;
    const device = dpopTestKey(Date.now);
    const boundSession = async (email: string) => {
      const signup = await post(`${url}/auth/signup`, { email, password: PASSWORD, transport: 'body' }, { dpop: device.proof('POST', `${url}/auth/signup`) });
      const body = (await signup.json()) as { tokenType: string; refreshToken: string };
      expect(body.tokenType).toBe('DPoP');
      return body.refreshToken;
    };
    // The thief's copies: one refreshed without any proof, one with a proof by the thief's own key.
    const withoutProof = await post(`${url}/auth/refresh`, { refreshToken: await boundSession('ann@example.test') });
    const otherKey = await post(`${url}/auth/refresh`, { refreshToken: await boundSession('bob@example.test') }, { dpop: dpopTestKey(Date.now).proof('POST', `${url}/auth/refresh`) });
    for (const refused of [withoutProof, otherKey]) expect({ status: refused.status, body: await refused.json() }).toMatchObject({ status: 401, body: { error: 'invalid_grant' } });

    const m = await scrape(server.metricsUrl!);
    expect(m.type('tessera_stolen_token_detections_total')).toBe('COUNTER');
    expect(m.value('tessera_stolen_token_detections_total', { proof: 'missing' })).toBe(1);
    expect(m.value('tessera_stolen_token_detections_total', { proof: 'other_key' })).toBe(1);
    expect(m.value('tessera_session_revocations_total', { reason: 'stolen_token' })).toBe(2);
    // Not counted as rotated-token reuse: a different attack with a different answer.
    expect(m.value('tessera_refresh_reuse_detections_total')).toBe(0);
  });

  it('serves only GET /metrics there, and each server counts in its own registry', async () => {
    const a = await start({ TESSERA_METRICS_PORT: '0' });
    const b = await start({ TESSERA_METRICS_PORT: '0' });
    expect((await post(`${a.url}/auth/signup`, { email: 'ann@example.test', password: PASSWORD })).status).toBe(201);
    expect((await scrape(a.metricsUrl!)).value('tessera_signups_total')).toBe(1);
    expect((await scrape(b.metricsUrl!)).value('tessera_signups_total')).toBe(0);
    const other = await fetch(a.metricsUrl!.replace(/\/metrics$/, '/healthz'));
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ error: 'not_found' });
    expect((await fetch(a.metricsUrl!, { method: 'POST' })).status).toBe(404);
  });

  it('counts a failing store call by store and operation', async () => {
    const server = await start({ TESSERA_METRICS_PORT: '0' });
    await server.runtime.stores.close();
    // A closed database: every call rejects, as in an outage.
    const login = await post(`${server.url}/auth/login`, { email: 'ann@example.test', password: PASSWORD });
    expect(login.status).toBeGreaterThanOrEqual(500);
    const m = await scrape(server.metricsUrl!);
    expect(m.value('tessera_store_errors_total', { store: 'users', operation: 'findUserByEmail' })).toBe(1);
    expect(m.samples('tessera_store_errors_total')).toHaveLength(1);
    expect(m.histogram('tessera_store_operation_duration_seconds', { store: 'users', operation: 'findUserByEmail' }).count).toBe(1);
    expect(m.value('tessera_http_requests_total', { method: 'POST', route: '/auth/login', status: String(login.status) })).toBe(1);
  });

  it('with a token as well, the listener refuses a scrape without it', async () => {
    const server = await start({ TESSERA_METRICS_PORT: '0', TESSERA_METRICS_TOKEN: TOKEN });
    expect((await fetch(server.metricsUrl!)).status).toBe(401);
    expect((await scrape(server.metricsUrl!, TOKEN)).value('tessera_signups_total')).toBe(0);
  });

  it('stops the start with a sentence when the metrics port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(start({ TESSERA_METRICS_PORT: String(port) })).rejects.toThrow(
        new ConfigError(`TESSERA_METRICS_PORT=${port} on TESSERA_METRICS_HOST=127.0.0.1 cannot be listened on (EADDRINUSE); choose a free port and an address of this machine.`),
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('metrics on the public port behind TESSERA_METRICS_TOKEN', () => {
  it('answers GET /metrics only to the exact token, in constant time, and never echoes what was sent', async () => {
    const server = await start({ TESSERA_METRICS_TOKEN: TOKEN });
    expect(server.metricsUrl).toBeUndefined();
    const missing = await fetch(`${server.url}/metrics`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
    expect(await missing.json()).toEqual({ error: 'invalid_token', message: 'Send the metrics token (TESSERA_METRICS_TOKEN) as a Bearer credential.' });
    for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), 'x']) {
      const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${wrong}` } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="tessera", error="invalid_token"/);
      expect(await response.text()).not.toContain(wrong);
    }
    expect((await fetch(`${server.url}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`a:${TOKEN}`).toString('base64')}` } })).status).toBe(401);
    const ok = await fetch(`${server.url}/metrics?x=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect((await scrape(`${server.url}/metrics`, TOKEN)).value('tessera_signups_total')).toBe(0);
  });
});

describe('metrics are off by default', () => {
  it('serves no /metrics anywhere and opens no other listener', async () => {
    const server = await start({});
    expect(server.metricsUrl).toBeUndefined();
    const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(404);
    expect(loadConfig({}, '/tmp').metrics).toBeNull();
  });
});

describe('metrics configuration', () => {
  it('reads the listener and the token, with a loopback host by default', () => {
    expect(loadConfig({ TESSERA_METRICS_PORT: '9464' }, '/tmp').metrics).toEqual({ port: 9464, host: '127.0.0.1', token: null });
    expect(loadConfig({ TESSERA_METRICS_PORT: '9464', TESSERA_METRICS_HOST: '10.0.0.5', TESSERA_METRICS_TOKEN: TOKEN }, '/tmp').metrics).toEqual({ port: 9464, host: '10.0.0.5', token: TOKEN });
    expect(loadConfig({ TESSERA_METRICS_TOKEN: TOKEN }, '/tmp').metrics).toEqual({ port: null, host: '127.0.0.1', token: TOKEN });
  });

  it.each([
    [{ TESSERA_METRICS_PORT: 'ninety' }, 'TESSERA_METRICS_PORT="ninety" is not a port number; use 1 to 65535 (0 picks a free port).'],
    [{ TESSERA_METRICS_PORT: '70000' }, 'TESSERA_METRICS_PORT="70000" is not a port number; use 1 to 65535 (0 picks a free port).'],
    [{ TESSERA_METRICS_PORT: '3000' }, 'TESSERA_METRICS_PORT is the same as PORT (3000); give the metrics listener a port of its own.'],
    [{ TESSERA_METRICS_HOST: '0.0.0.0' }, 'TESSERA_METRICS_HOST is set without TESSERA_METRICS_PORT; set the port of the metrics listener too, or unset TESSERA_METRICS_HOST.'],
    [{ TESSERA_METRICS_TOKEN: 'short' }, 'TESSERA_METRICS_TOKEN must be at least 32 printable characters without spaces; generate one with "npx tessera secret".'],
    [{ TESSERA_METRICS_TOKEN: `${TOKEN} with spaces` }, 'TESSERA_METRICS_TOKEN must be at least 32 printable characters without spaces; generate one with "npx tessera secret".'],
  ])('refuses %o with one sentence naming the variable', (env, message) => {
    expect(refusal(env)).toBe(message);
  });
});

describe('store observation', () => {
  it('times every store method by name and counts the ones that reject', async () => {
    const seen: [string, string, boolean][] = [];
    const failure = new Error('connection lost');
    const users = {
      findUserById: async (id: string) => (id === 'u1' ? { id } : null),
      createUser: () => Promise.reject(failure),
    };
    const stores = { users, sessions: {}, keys: {}, twoFactor: {}, close: async () => {} } as never;
    const observed = observeStores(stores, (store, operation, seconds, failed) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push([store, operation, failed]);
    }) as unknown as { users: typeof users };
    expect(await observed.users.findUserById('u1')).toEqual({ id: 'u1' });
    await expect(observed.users.createUser()).rejects.toBe(failure);
    expect(seen).toEqual([['users', 'findUserById', false], ['users', 'createUser', true]]);
  });
});
