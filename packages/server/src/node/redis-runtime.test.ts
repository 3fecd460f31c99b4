import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { closeRedis, connectRedis } from '@tessera/store-redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { dropPrefix, REDIS_URL, redisAvailable, testPrefix } from '@tessera/testing/redis';
import { loadConfig } from '../config.js';
import { openRuntime, type Runtime } from './runtime.js';
import { TEST_SECRET } from '@tessera/testing';

const available = await redisAvailable();

describe.skipIf(!available)('openRuntime with TESSERA_REDIS_URL', () => {
  const prefix = testPrefix();
  const runtimes: Runtime[] = [];
  let env: Record<string, string>;

  const open = async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-redis-runtime-'));
    const runtime = await openRuntime(loadConfig({ ...env, TESSERA_DATA_DIR: dataDir }, dataDir), { log: () => {} });
    runtimes.push(runtime);
    return runtime;
  };

  beforeAll(() => {
    const shared = mkdtempSync(path.join(tmpdir(), 'tessera-redis-runtime-db-'));
    env = {
      TESSERA_SECRET: TEST_SECRET,
      TESSERA_ISSUER: 'http://tessera.test',
      TESSERA_DATABASE_URL: `sqlite:${shared}/tessera.db`,
      TESSERA_REDIS_URL: REDIS_URL,
      TESSERA_REDIS_PREFIX: prefix,
      TESSERA_RATE_LIMIT: 'off',
    };
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.close();
    const redis = await connectRedis(REDIS_URL);
    await dropPrefix(redis, prefix);
    await closeRedis(redis);
  });

  it('keeps sessions in Redis and tells every runtime about a revocation at once', async () => {
    const a = await open();
    const b = await open();
    const { tokens } = await a.auth.signup({ email: 'ann@example.test', password: 'correct horse battery' }, {});
    expect(await a.stores.sessions.findSession(tokens.sessionId)).not.toBeNull();
    const redis = await connectRedis(REDIS_URL);
    expect(await redis.exists(`${prefix}session:${tokens.sessionId}`)).toBe(1);
    await closeRedis(redis);

    expect(b.auth.verifyAccessToken(tokens.accessToken).sid).toBe(tokens.sessionId);
    await a.auth.logoutWithRefreshToken(tokens.refreshToken);
    await vi.waitFor(() => expect(() => b.auth.verifyAccessToken(tokens.accessToken)).toThrow(expect.objectContaining({ code: 'invalid_token' })), { timeout: 1_000, interval: 10 });
  });

  it('reloads the keys of every runtime when a rotation is announced', async () => {
    const a = await open();
    const b = await open();
    const key = await a.keys.rotate();
    expect(b.keys.jwks().keys.map((k) => (k as { kid: string }).kid)).not.toContain(key.kid);
    expect(await a.announceKeyRotation?.(key.kid)).toBe(true);
    await vi.waitFor(() => expect(b.keys.signingKey().kid).toBe(key.kid), { timeout: 1_000, interval: 10 });
  });
});

describe('openRuntime without TESSERA_REDIS_URL', () => {
  it('keeps everything in SQL and has no key announcements', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-no-redis-'));
    const runtime = await openRuntime(loadConfig({ TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_SECRET: TEST_SECRET, TESSERA_DATA_DIR: dataDir }, dataDir));
    expect(runtime.announceKeyRotation).toBeUndefined();
    await runtime.close();
  });
});
