// Without TESSERA_SECRET the generated secret lives beside the SQLite file it protects, so the same database
// started from another working directory finds the same secret, instead of refusing to start (its stored keys
// were encrypted under a secret left in the first directory) and leaving a second, unused secret behind.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serviceAvailable } from '@tessera/testing';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { getNumber, login, randomHex, requireBuiltCli, runCli, signup, startTessera } from './processes.testkit.js';

requireBuiltCli();

const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
async function postgres<T>(task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}
const postgresAvailable = await serviceAvailable({ service: 'PostgreSQL', envVar: 'TESSERA_TEST_POSTGRES_URL', url: POSTGRES_URL, probe: () => postgres(async () => {}) });

const dirs: string[] = [];
const tempDir = (name: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), `tessera-secret-${name}-`));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('the generated secret follows the SQLite file', () => {
  it('two working directories, one absolute sqlite path: one secret beside the database, the same keys, the same users', async () => {
    const dataDir = tempDir('data');
    const database = path.join(dataDir, 'tessera.db');
    // A fixed issuer: tokens name it, and each start binds another free port.
    const env = { TESSERA_DATABASE_URL: `sqlite:${database}`, TESSERA_ISSUER: 'http://localhost:3999', TESSERA_LOG_LEVEL: 'warn' };
    const first = tempDir('cwd-a');
    const second = tempDir('cwd-b');
    const email = `ann-${randomHex()}@example.test`;

    const a = await startTessera(env, 20_000, first);
    let accessToken: string;
    try {
      accessToken = (await signup(a.url, email)).accessToken;
    } finally {
      await a.stop();
    }
    const secretFile = path.join(dataDir, 'secret');
    expect(readFileSync(secretFile, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    const b = await startTessera(env, 20_000, second);
    try {
      expect((await getNumber(b.url, accessToken)).status).toBe(200);
      expect((await login(b.url, email)).status).toBe(200);
    } finally {
      await b.stop();
    }
    expect(existsSync(path.join(first, 'data'))).toBe(false);
    expect(existsSync(path.join(second, 'data'))).toBe(false);

    // The CLI, from a third directory, opens the same database with the same secret.
    const third = tempDir('cwd-c');
    const listed = await runCli(['users', 'list', '--json'], env, third);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(email);
    expect(existsSync(path.join(third, 'data'))).toBe(false);
  });
});

describe.skipIf(!postgresAvailable)('a PostgreSQL database without TESSERA_SECRET', () => {
  const schema = `tessera_t_${randomHex()}`;
  afterAll(() => postgres((client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)));

  it('keeps its secret in ./data where it first started; from another directory it refuses in one sentence and leaves no secret', async () => {
    const database = new URL(POSTGRES_URL);
    database.searchParams.set('schema', schema);
    const env = { TESSERA_DATABASE_URL: database.toString(), TESSERA_ISSUER: 'http://localhost:3999', TESSERA_LOG_LEVEL: 'warn' };
    const home = tempDir('pg-home');
    const elsewhere = tempDir('pg-elsewhere');
    const email = `ann-${randomHex()}@example.test`;

    const first = await startTessera(env, 20_000, home);
    try {
      await signup(first.url, email);
    } finally {
      await first.stop();
    }
    expect(readFileSync(path.join(home, 'data', 'secret'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);

    const refused = await startTessera(env, 20_000, elsewhere).then(
      async (started) => {
        await started.stop();
        return 'started';
      },
      (error: Error) => error.message,
    );
    const sentence = `TESSERA_SECRET is unset, and this database holds signing keys sealed with another secret than the one just generated in ${path.join(elsewhere, 'data', 'secret')} (now removed); set TESSERA_SECRET to the secret it first ran with, or TESSERA_DATA_DIR to the directory of its secret file.`;
    expect(refused).toContain(`tessera: ${sentence}`);
    expect(existsSync(path.join(elsewhere, 'data', 'secret'))).toBe(false);
    const cli = await runCli(['users', 'list'], env, elsewhere);
    expect(cli).toMatchObject({ code: 1, stdout: '', stderr: `tessera: ${sentence}\n` });

    const again = await startTessera(env, 20_000, home);
    try {
      expect((await login(again.url, email)).status).toBe(200);
    } finally {
      await again.stop();
    }
  });
});
