import { randomBytes } from 'node:crypto';
import { createConnection, type Connection } from 'mysql2/promise';
import { makeUser, runStoreConformance, serviceAvailable } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlStores } from './create-sql-stores.js';

const url = process.env.TESSERA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const available = await serviceAvailable({
  service: 'MySQL/MariaDB',
  envVar: 'TESSERA_TEST_MYSQL_URL',
  url,
  probe: async () => {
    const connection = await createConnection({ uri: url, connectTimeout: 3_000 });
    await connection.end();
  },
});

/** Every suite works in databases of its own, so test files running in parallel never see each other's rows. */
const newDatabase = () => `tessera_t_${randomBytes(6).toString('hex')}`;
const withDatabase = (database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

describe.skipIf(!available)('MySQL/MariaDB', () => {
  let admin: Connection;
  const databases: string[] = [];
  const create = async () => {
    const name = newDatabase();
    databases.push(name);
    await admin.query(`create database \`${name}\``);
    return name;
  };
  let database = '';

  beforeAll(async () => {
    admin = await createConnection({ uri: url });
    database = await create();
  });
  afterAll(async () => {
    for (const name of databases) await admin.query(`drop database if exists \`${name}\``);
    await admin.end();
  });

  runStoreConformance('conformance', async () => {
    const stores = await createSqlStores(withDatabase(database));
    for (const table of ['tessera_users', 'tessera_sessions', 'tessera_keys', 'tessera_one_time_tokens', 'tessera_email_verifications', 'tessera_two_factor', 'tessera_two_factor_recovery_codes', 'tessera_two_factor_challenges', 'tessera_passkeys', 'tessera_passkey_challenges']) await admin.query(`delete from \`${database}\`.${table}`);
    return stores;
  });

  it('reports its dialect, answers ping, and accepts mariadb:// URLs', async () => {
    const stores = await createSqlStores(withDatabase(database).replace(/^mysql:/, 'mariadb:'));
    expect(stores.dialect).toBe('mysql');
    await stores.ping();
    await stores.close();
  });

  it('runs migrations idempotently, including twice concurrently and from two stores at once', async () => {
    const name = await create();
    const [a, b] = await Promise.all([createSqlStores(withDatabase(name)), createSqlStores(withDatabase(name))]);
    await Promise.all([a.migrate(), b.migrate()]);
    await a.migrate();
    const [rows] = await admin.query(`select name from \`${name}\`.tessera_migration order by name`);
    expect(rows).toEqual([{ name: '0001_initial' }, { name: '0002_recent_rotations' }, { name: '0003_user_disabled_at' }, { name: '0004_account_mail' }, { name: '0005_two_factor' }, { name: '0006_passkeys' }, { name: '0007_session_dpop_jkt' }, { name: '0008_one_link_per_purpose' }]);
    const user = makeUser();
    expect(await a.users.createUser(user)).toBe(true);
    expect((await b.users.findUserById(user.id))?.email).toBe(user.email);
    await Promise.all([a.close(), b.close()]);
  });

  it('creates utf8mb4 tables with a binary collation', async () => {
    const [rows] = await admin.query(
      `select table_collation as c from information_schema.tables
       where table_schema = ? and table_name in ('tessera_users', 'tessera_sessions', 'tessera_keys')`,
      [database],
    );
    expect(Array.isArray(rows) && rows.length === 3).toBe(true);
    for (const row of rows as Array<{ c: string }>) expect(row.c).toMatch(/^utf8mb4_.*bin$/);
  });
});
