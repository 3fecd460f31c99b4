// A backing store going away mid-run: Tessera answers 503 `unavailable` for what needs it, keeps verifying
// access tokens (no store involved), and recovers by itself when the store comes back — losing no session.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeRedis, connectRedis } from '@tessera/store-redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectError, freePort, getNumber, login, randomHex, refresh, requireBuiltCli, signup, startTessera, stopProcess,
  type TesseraProcess, type Tokens,
} from './processes.testkit.js';

requireBuiltCli();

/** A tool this suite needs is missing: one loud line and skip — or fail, under CI. */
function toolPresent(tool: string, present: boolean): boolean {
  if (present) return true;
  const line = `${tool} is not installed, so the fault test that needs it cannot run`;
  if (process.env.CI) throw new Error(`${line} — CI is set, so it fails instead of skipping.`);
  console.warn(`⚠️  SKIPPING: ${line}.`);
  return false;
}

const hasRedisServer = toolPresent('redis-server', spawnSync('redis-server', ['--version']).status === 0);
const pgBin = ['/usr/lib/postgresql']
  .filter(existsSync)
  .flatMap((root) => readdirSync(root).map((version) => path.join(root, version, 'bin')))
  .filter((bin) => existsSync(path.join(bin, 'initdb')) && existsSync(path.join(bin, 'pg_ctl')))
  .sort((a, b) => Number(path.basename(path.dirname(b))) - Number(path.basename(path.dirname(a))))[0];
const hasPostgres = hasRedisServer && toolPresent('PostgreSQL (initdb and pg_ctl under /usr/lib/postgresql/*/bin)', pgBin !== undefined);

const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `tessera-faults-${name}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A private redis-server whose data survives a kill (append-only file, fsync on every write). */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' });
  await vi.waitFor(async () => {
    const redis = await connectRedis(`redis://127.0.0.1:${port}`, { retryStrategy: () => null });
    await closeRedis(redis);
  }, { timeout: 10_000, interval: 50 });
  return child;
}

async function loginTokens(url: string, email: string): Promise<Tokens> {
  const response = await login(url, email);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as Tokens;
}

/** Polls until the answer is no longer a 503: the store is back and Tessera noticed by itself. */
const recovered = (url: string, email: string) => vi.waitFor(() => loginTokens(url, email), { timeout: 8_000, interval: 100 });

const baseEnv = () => ({ TESSERA_SECRET: randomHex(32), TESSERA_LOG_LEVEL: 'warn' });

// With rate limits off, the 503 comes from the session store itself; with them on (the default), the limiter,
// whose counters are in the same Redis, fails closed first — either way nothing is let through uncounted.
describe.skipIf(!hasRedisServer).each(['off', 'on'])('Redis goes away and comes back (TESSERA_RATE_LIMIT=%s)', (rateLimit) => {
  let port: number;
  let redisDir: string;
  let redis: ChildProcess;
  let tessera: TesseraProcess;

  beforeAll(async () => {
    port = await freePort();
    redisDir = tempDir('redis');
    redis = await startRedis(port, redisDir);
    const dataDir = tempDir('data');
    tessera = await startTessera({ ...baseEnv(), TESSERA_DATA_DIR: dataDir, TESSERA_DATABASE_URL: `sqlite:${dataDir}/tessera.db`, TESSERA_REDIS_URL: `redis://127.0.0.1:${port}`, TESSERA_RATE_LIMIT: rateLimit });
  });
  afterAll(async () => {
    await tessera?.stop();
    if (redis) await stopProcess(redis, 'SIGKILL');
  });

  it('answers 503 for login and refresh, keeps verifying access tokens, and recovers without losing sessions', async () => {
    const { url } = tessera;
    const email = `redis-fault-${randomHex()}@example.test`;
    const first = await signup(url, email);
    const second = await loginTokens(url, email);

    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', stores: { database: 'ok', redis: 'ok' } });

    await stopProcess(redis, 'SIGKILL');
    await expectError(await fetch(`${url}/readyz`), 503, 'unavailable');
    expect((await fetch(`${url}/healthz`)).status).toBe(200); // liveness does not depend on the stores
    await expectError(await login(url, email), 503, 'unavailable');
    await expectError(await refresh(url, first.refreshToken), 503, 'unavailable');
    expect((await getNumber(url, first.accessToken)).status).toBe(200);

    redis = await startRedis(port, redisDir);
    const third = await recovered(url, email);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // Both sessions from before the fault are intact: their refresh tokens still rotate (the failed refresh
    // during the outage consumed nothing).
    for (const tokens of [first, second, third]) {
      const response = await refresh(url, tokens.refreshToken);
      expect(response.status, await response.clone().text()).toBe(200);
      expect((await getNumber(url, ((await response.json()) as Tokens).accessToken)).status).toBe(200);
    }
  });
});

/** Runs a PostgreSQL tool as the postgres user when we are root (initdb and pg_ctl refuse to run as root). */
function pgTool(tool: string, args: string[]): void {
  const command = path.join(pgBin!, tool);
  const run = process.getuid?.() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${run.stderr || run.stdout || run.error?.message}`);
}

function ownedByPostgres(dir: string): void {
  if (process.getuid?.() !== 0) return;
  const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(dir, id('-u'), id('-g'));
  chmodSync(dir, 0o700);
}

describe.skipIf(!hasPostgres)('PostgreSQL goes away and comes back', () => {
  let dataDir: string;
  let pgArgs: string[];
  let started = false;
  let port: number;
  let redis: ChildProcess;
  let tessera: TesseraProcess;

  beforeAll(async () => {
    const root = tempDir('pg');
    ownedByPostgres(root);
    dataDir = path.join(root, 'data');
    mkdirSync(dataDir);
    ownedByPostgres(dataDir);
    port = await freePort();
    pgTool('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
    // fsync=off: a stop with -m immediate is a crash of PostgreSQL, not of the machine, so nothing is lost.
    pgArgs = ['-D', dataDir, '-l', path.join(root, 'log'), '-w', '-o', `-k ${root} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off`];
    pgTool('pg_ctl', [...pgArgs, 'start']);
    started = true;

    const redisPort = await freePort();
    redis = await startRedis(redisPort, tempDir('pg-redis'));
    const tesseraDir = tempDir('pg-data');
    tessera = await startTessera({
      ...baseEnv(),
      TESSERA_DATA_DIR: tesseraDir,
      TESSERA_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
      TESSERA_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
  });
  afterAll(async () => {
    await tessera?.stop();
    if (redis) await stopProcess(redis, 'SIGKILL');
    if (started) pgTool('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
  });

  it('answers 503 for login, keeps verifying access tokens, and recovers by itself after pg_ctl start', async () => {
    const { url } = tessera;
    const email = `pg-fault-${randomHex()}@example.test`;
    const before = await signup(url, email);

    pgTool('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']);
    started = false;
    const notReady = await fetch(`${url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ error: 'unavailable', message: 'Not ready: the database cannot be reached.' });
    await expectError(await login(url, email), 503, 'unavailable');
    expect((await getNumber(url, before.accessToken)).status).toBe(200);
    expect(tessera.child.exitCode).toBeNull(); // a dropped pool connection must not crash the process

    pgTool('pg_ctl', [...pgArgs, 'start']);
    started = true;
    const after = await recovered(url, email);
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', stores: { database: 'ok', redis: 'ok' } });
    const rotated = await refresh(url, before.refreshToken);
    expect(rotated.status, await rotated.clone().text()).toBe(200);
    expect((await getNumber(url, after.accessToken)).status).toBe(200);
  });
});
