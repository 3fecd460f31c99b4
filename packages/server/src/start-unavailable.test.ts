// A backing store that can't be used at start: the server stops with one sentence naming the variable, where it
// points (never the password) and the driver's cause, as it does for Redis.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqlStores } from '@tessera/store-sql';
import { serviceAvailable } from '@tessera/testing';
import { loadConfig } from './config.js';
import { openRuntime } from './node/runtime.js';

const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL_URL = process.env.TESSERA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const reachable = async (url: string) => {
  const stores = await createSqlStores(url, { migrate: false });
  try {
    await stores.ping();
  } finally {
    await stores.close();
  }
};
const postgres = await serviceAvailable({ service: 'PostgreSQL', envVar: 'TESSERA_TEST_POSTGRES_URL', url: POSTGRES_URL, probe: () => reachable(POSTGRES_URL) });
const mariadb = await serviceAvailable({ service: 'MySQL/MariaDB', envVar: 'TESSERA_TEST_MYSQL_URL', url: MYSQL_URL, probe: () => reachable(MYSQL_URL) });

/** What `tessera serve` would say: the rejection's message. */
async function startFailure(databaseUrl: string): Promise<{ code: string; message: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-start-'));
  const config = loadConfig({ PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_SECRET: randomBytes(32).toString('hex'), TESSERA_DATABASE_URL: databaseUrl }, dataDir);
  const runtime = await openRuntime(config).then((opened) => opened, (error: unknown) => error as { code: string; message: string });
  if ('close' in runtime) {
    await runtime.close();
    throw new Error(`the runtime opened on ${databaseUrl}`);
  }
  return runtime;
}

const missingDatabase = () => `tessera_missing_${randomBytes(4).toString('hex')}`;

describe('a database that cannot be used stops the start with the variable, the host and the cause', () => {
  it('PostgreSQL that nobody listens for (the password is never repeated)', async () => {
    const failure = await startFailure('postgres://tessera:s3cret-pw@127.0.0.1:1/tessera');
    expect(failure.code).toBe('unavailable');
    expect(failure.message).toBe('The database at 127.0.0.1:1/tessera (TESSERA_DATABASE_URL) is unreachable (ECONNREFUSED). A backing store is unavailable; try again shortly.');
  });

  it.skipIf(!postgres)('a PostgreSQL database that does not exist', async () => {
    const name = missingDatabase();
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    const failure = await startFailure(url.toString());
    expect(failure.message).toBe(`The database at ${url.host}/${name} (TESSERA_DATABASE_URL) is unreachable (database "${name}" does not exist). A backing store is unavailable; try again shortly.`);
  });

  it.skipIf(!mariadb)('a MySQL database that does not exist', async () => {
    const name = missingDatabase();
    const url = new URL(MYSQL_URL);
    url.pathname = `/${name}`;
    const failure = await startFailure(url.toString());
    expect(failure.message).toBe(`The database at ${url.host}/${name} (TESSERA_DATABASE_URL) is unreachable (Unknown database '${name}'). A backing store is unavailable; try again shortly.`);
  });
});
