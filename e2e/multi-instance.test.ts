// Three `tessera serve` processes behind no load balancer, sharing PostgreSQL (users, keys), Redis (sessions,
// revocations) and the secret: whatever one of them does, the others honour at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dropPrefix, REDIS_URL, redisAvailable } from '@tessera/testing/redis';
import { closeRedis, connectRedis } from '@tessera/store-redis';
import { serviceAvailable } from '@tessera/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  expectError, getNumber, kidOf, login, logout, randomHex, refresh, requireBuiltCli, runCli, signup, startTessera,
  type TesseraProcess, type Tokens,
} from './processes.testkit.js';

requireBuiltCli();

const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgresAvailable = await serviceAvailable({
  service: 'PostgreSQL',
  envVar: 'TESSERA_TEST_POSTGRES_URL',
  url: POSTGRES_URL,
  probe: async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
    await client.connect();
    await client.end();
  },
});
const available = postgresAvailable && (await redisAvailable());

describe.skipIf(!available)('three instances on one PostgreSQL and one Redis', () => {
  const schema = `tessera_t_${randomHex()}`;
  const prefix = `tessera_t_${randomHex()}:`;
  const dirs: string[] = [];
  const instances: TesseraProcess[] = [];
  let env: Record<string, string>;
  const urls = () => instances.map((instance) => instance.url);

  beforeAll(async () => {
    const database = new URL(POSTGRES_URL);
    database.searchParams.set('schema', schema);
    env = {
      TESSERA_SECRET: randomHex(32),
      TESSERA_ISSUER: 'http://tessera.test',
      TESSERA_DATABASE_URL: database.toString(),
      TESSERA_REDIS_URL: REDIS_URL,
      TESSERA_REDIS_PREFIX: prefix,
      TESSERA_REFRESH_GRACE: '1s',
      TESSERA_LOG_LEVEL: 'warn',
    };
    const start = () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'tessera-multi-'));
      dirs.push(dir);
      return startTessera({ ...env, TESSERA_DATA_DIR: dir });
    };
    // The first one migrates the fresh schema and creates the first signing key; then two more join.
    instances.push(await start());
    instances.push(...(await Promise.all([start(), start()])));
  });

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.stop()));
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    const redis = await connectRedis(REDIS_URL);
    await dropPrefix(redis, prefix);
    await closeRedis(redis);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  /** Every instance answers GET /api/number with `status` for this token. */
  async function expectEverywhere(accessToken: string, status: number): Promise<void> {
    const statuses = await Promise.all(urls().map(async (url) => (await getNumber(url, accessToken)).status));
    expect(statuses).toEqual(urls().map(() => status));
  }

  it('verifies on every instance a token issued by any one of them', async () => {
    for (const [i, url] of urls().entries()) {
      const tokens = await signup(url, `issued-by-${i}-${randomHex()}@example.test`);
      await expectEverywhere(tokens.accessToken, 200);
    }
  });

  it('catches a refresh token replayed on another instance after the grace window, and ends the session everywhere', async () => {
    const [a, b, c] = urls() as [string, string, string];
    const first = await signup(a, `replay-${randomHex()}@example.test`);
    const rotated = await refresh(b, first.refreshToken);
    expect(rotated.status).toBe(200);
    const second = (await rotated.json()) as Tokens;
    await expectEverywhere(second.accessToken, 200);

    await new Promise((resolve) => setTimeout(resolve, 1_300)); // TESSERA_REFRESH_GRACE=1s has passed
    await expectError(await refresh(c, first.refreshToken), 401, 'invalid_grant');

    // The thief's replay killed the session: the legitimate successor is refused too, and so is every access
    // token of the session, on every instance.
    await expectError(await refresh(a, second.refreshToken), 401, 'invalid_grant');
    await vi.waitFor(() => expectEverywhere(second.accessToken, 401), { timeout: 1_000, interval: 50 });
    await expectEverywhere(first.accessToken, 401);
  });

  it('refuses, within a second and on every other instance, the access token of a session logged out on one', async () => {
    const [a] = urls() as [string, ...string[]];
    const email = `logout-${randomHex()}@example.test`;
    await signup(a, email);
    const response = await login(a, email);
    expect(response.status).toBe(200);
    const { accessToken } = (await response.json()) as Tokens;
    await expectEverywhere(accessToken, 200); // now in every instance's verified-token cache

    expect((await logout(a, accessToken)).status).toBe(204);
    const loggedOutAt = Date.now();
    await vi.waitFor(() => expectEverywhere(accessToken, 401), { timeout: 1_000, interval: 20 });
    expect(Date.now() - loggedOutAt).toBeLessThan(1_000);
  });

  it('makes every instance sign with and publish the key from `tessera keys rotate`, without a restart', async () => {
    const email = `keys-${randomHex()}@example.test`;
    const before = await signup(urls()[0]!, email);
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-multi-cli-'));
    dirs.push(dir);
    const rotated = await runCli(['keys', 'rotate'], { ...env, TESSERA_DATA_DIR: dir });
    expect(rotated.code, rotated.stderr).toBe(0);
    const kid = /Now signing with (\S+)/.exec(rotated.stdout)?.[1];
    expect(kid).toBeDefined();
    expect(kid).not.toBe(kidOf(before.accessToken));

    // Servers reload keys on their own only every 30 s; the announcement makes it immediate.
    await vi.waitFor(async () => {
      for (const url of urls()) {
        const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
        expect(jwks.keys.map((key) => key.kid)).toContain(kid);
      }
    }, { timeout: 3_000, interval: 50 });
    for (const url of urls()) {
      const response = await login(url, email);
      expect(response.status).toBe(200);
      const { accessToken } = (await response.json()) as Tokens;
      expect(kidOf(accessToken)).toBe(kid);
      await expectEverywhere(accessToken, 200);
    }
    // Tokens of the previous key keep verifying until they expire.
    await expectEverywhere(before.accessToken, 200);
  });

  it('refuses everywhere, at once, the tokens of a key withdrawn with `tessera keys revoke` — cached ones too', async () => {
    const email = `leak-${randomHex()}@example.test`;
    const before = await signup(urls()[1]!, email);
    const leaked = kidOf(before.accessToken);
    await expectEverywhere(before.accessToken, 200); // now in every instance's verified-token cache
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-multi-cli-'));
    dirs.push(dir);
    const revoked = await runCli(['keys', 'revoke', leaked], { ...env, TESSERA_DATA_DIR: dir });
    expect(revoked.code, revoked.stderr).toBe(0);
    const kid = /Now signing with (\S+)\./.exec(revoked.stdout)?.[1];
    expect(kid).toBeDefined();

    await vi.waitFor(async () => {
      await expectEverywhere(before.accessToken, 401);
      for (const url of urls()) {
        const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
        expect(jwks.keys.map((key) => key.kid)).not.toContain(leaked);
      }
    }, { timeout: 3_000, interval: 50 });
    // The user stays logged in: the refresh token is not signed by any key, and the new access token is.
    const refreshed = await refresh(urls()[2]!, before.refreshToken);
    expect(refreshed.status).toBe(200);
    const { accessToken } = (await refreshed.json()) as Tokens;
    expect(kidOf(accessToken)).toBe(kid);
    await expectEverywhere(accessToken, 200);
  });
});
