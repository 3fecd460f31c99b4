// TESSERA_KEY_ROTATION: the signing key rotates itself, and with several instances on one store exactly one of
// them rotates each time (the key store's compare-and-swap), proven with three servers on one PostgreSQL schema.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { AuthEvent } from '@tessera/core';
import { createSqlStores } from '@tessera/store-sql';
import { serviceAvailable } from '@tessera/testing';
import { ConfigError, loadConfig } from './config.js';
import { startServer, type RunningServer } from './node/serve.js';

const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const postgres = await serviceAvailable({
  service: 'PostgreSQL', envVar: 'TESSERA_TEST_POSTGRES_URL', url: POSTGRES_URL,
  probe: async () => {
    const stores = await createSqlStores(POSTGRES_URL, { migrate: false });
    try {
      await stores.ping();
    } finally {
      await stores.close();
    }
  },
});

const configError = (env: Record<string, string>) => {
  try {
    loadConfig({ TESSERA_SECRET: randomBytes(32).toString('hex'), ...env }, tmpdir());
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe('TESSERA_KEY_ROTATION at start', () => {
  it('is refused with a sentence when it cannot work or is not longer than the access lifetime', () => {
    expect(configError({ TESSERA_KEY_ROTATION: 'monthly' })).toMatch(/^TESSERA_KEY_ROTATION="monthly" is not a duration/);
    expect(configError({ TESSERA_KEY_ROTATION: '10m' })).toBe('TESSERA_KEY_ROTATION must be longer than TESSERA_ACCESS_TTL (900s): a retired key stays published until its last token expires.');
    expect(configError({ TESSERA_KEY_ROTATION: '30d', TESSERA_SIGNING_ALG: 'HS256' })).toMatch(/^TESSERA_KEY_ROTATION cannot be used with TESSERA_SIGNING_ALG=HS256/);
    expect(configError({ TESSERA_KEY_ROTATION: '30d', TESSERA_SIGNING_KEY: '{}' })).toMatch(/^TESSERA_KEY_ROTATION cannot be used with TESSERA_SIGNING_KEY/);
    expect(loadConfig({ TESSERA_KEY_ROTATION: '30d' }, tmpdir()).keyRotationSeconds).toBe(30 * 86_400);
    expect(loadConfig({}, tmpdir()).keyRotationSeconds).toBeNull();
  });
});

describe.skipIf(!postgres)('scheduled rotation with three instances on one store', () => {
  const schema = `tessera_t_${randomBytes(6).toString('hex')}`;
  const servers: RunningServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
  });

  it('rotates once per period, by exactly one instance, and every instance then signs with the new key', async () => {
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('schema', schema);
    const secret = randomBytes(32).toString('hex');
    const events: AuthEvent[] = [];
    // One after the other, so the three do not race to create the very first key.
    for (let i = 0; i < 3; i += 1) {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-rotation-'));
      const config = loadConfig({ PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_SECRET: secret, TESSERA_DATABASE_URL: url.toString(), TESSERA_ACCESS_TTL: '2s', TESSERA_KEY_ROTATION: '3s' }, dataDir);
      servers.push(await startServer(config, { log: () => {}, onEvent: (event) => events.push(event) }));
    }
    const first = servers[0]!.runtime.keys.signingKey().kid;
    expect(servers.map((server) => server.runtime.keys.signingKey().kid)).toEqual([first, first, first]);

    const rotated = () => events.filter((event) => event.type === 'key_rotated');
    await vi.waitFor(() => expect(rotated()).toHaveLength(1), { timeout: 8_000, interval: 100 });
    // Every instance checks about once a second: give the other two time to (wrongly) rotate as well.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(rotated()).toHaveLength(1);
    expect(rotated()[0]).toMatchObject({ type: 'key_rotated', previousKid: first, scheduled: true });
    const second = (rotated()[0] as { kid: string }).kid;
    for (const server of servers) {
      await server.runtime.keys.reload();
      expect(server.runtime.keys.signingKey().kid).toBe(second);
      // The retired key stays published while its tokens may still be alive.
      expect(server.runtime.keys.jwks().keys.map((key) => (key as { kid: string }).kid)).toContain(first);
    }
    await vi.waitFor(() => expect(rotated()).toHaveLength(2), { timeout: 8_000, interval: 100 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(rotated()).toHaveLength(2);
    expect(rotated()[1]).toMatchObject({ previousKid: second });
  });
});
