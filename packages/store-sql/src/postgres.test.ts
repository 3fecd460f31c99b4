import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { makeUser, runStoreConformance, serviceAvailable } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlStores, type SqlStores } from './create-sql-stores.js';

const url = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const available = await serviceAvailable({
  service: 'PostgreSQL',
  envVar: 'TESSERA_TEST_POSTGRES_URL',
  url,
  probe: async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
    await client.connect();
    await client.end();
  },
});

/** Every suite works in schemas of its own, so test files running in parallel never see each other's rows. */
const newSchema = () => `tessera_t_${randomBytes(6).toString('hex')}`;
const withSchema = (schema: string) => {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
};

describe.skipIf(!available)('PostgreSQL', () => {
  let admin: pg.Pool;
  const schemas: string[] = [];
  const schema = newSchema();
  schemas.push(schema);

  beforeAll(() => {
    admin = new pg.Pool({ connectionString: url, max: 2 });
  });
  afterAll(async () => {
    for (const s of schemas) await admin.query(`drop schema if exists "${s}" cascade`);
    await admin.end();
  });

  runStoreConformance('conformance', async () => {
    const stores = await createSqlStores(withSchema(schema));
    await admin.query(`truncate "${schema}".tessera_users, "${schema}".tessera_sessions, "${schema}".tessera_keys, "${schema}".tessera_one_time_tokens, "${schema}".tessera_email_verifications, "${schema}".tessera_two_factor, "${schema}".tessera_two_factor_recovery_codes, "${schema}".tessera_two_factor_challenges, "${schema}".tessera_passkeys, "${schema}".tessera_passkey_challenges`);
    return stores;
  });

  it('reports its dialect and answers ping', async () => {
    const stores = await createSqlStores(withSchema(schema));
    expect(stores.dialect).toBe('postgres');
    await stores.ping();
    await stores.close();
  });

  it('runs migrations idempotently, including twice concurrently on one store', async () => {
    const s = newSchema();
    schemas.push(s);
    const stores = await createSqlStores(withSchema(s));
    await Promise.all([stores.migrate(), stores.migrate()]);
    await stores.migrate();
    const { rows } = await admin.query<{ name: string }>(`select name from "${s}".tessera_migration order by name`);
    expect(rows.map((r) => r.name)).toEqual(['0001_initial', '0002_recent_rotations', '0003_user_disabled_at', '0004_account_mail', '0005_two_factor', '0006_passkeys', '0007_session_dpop_jkt', '0008_one_link_per_purpose']);
    await stores.close();
  });

  it('lets two createSqlStores race on the same fresh schema and both succeed', async () => {
    const s = newSchema();
    schemas.push(s);
    const results = await Promise.allSettled([createSqlStores(withSchema(s)), createSqlStores(withSchema(s))]);
    const opened = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(results.map((r) => (r.status === 'rejected' ? r.reason : 'ok'))).toEqual(['ok', 'ok']);
    const [a, b] = opened as [SqlStores, SqlStores];
    const user = makeUser();
    expect(await a.users.createUser(user)).toBe(true);
    expect((await b.users.findUserById(user.id))?.email).toBe(user.email);
    await Promise.all(opened.map((stores) => stores.close()));
  });

  it('keeps its tables inside the configured schema', async () => {
    const { rows } = await admin.query<{ table_schema: string }>(
      `select table_schema from information_schema.tables where table_name = 'tessera_sessions' and table_schema = $1`,
      [schema],
    );
    expect(rows).toHaveLength(1);
  });
});
