import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { TesseraError } from '@tessera/core';
import { DAY, at, makeSession, makeUser, randomId, runStoreConformance } from '@tessera/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqlStores } from './create-sql-stores.js';
import { tesseraMigrations } from './migrate.js';
import { initialMigration } from './migrations/0001-initial.js';
import { recentRotationsMigration } from './migrations/0002-recent-rotations.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCounter = 0;
const freshFile = () => join(dir, `nested-${(fileCounter += 1)}`, 'tessera.db');

runStoreConformance('SQLite in memory', () => createSqlStores('sqlite::memory:'));
runStoreConformance('SQLite file', () => createSqlStores(`sqlite:${freshFile()}`));

describe('SQLite specifics', () => {
  it('creates the parent directory and uses WAL, busy_timeout and foreign keys', async () => {
    const file = freshFile();
    const stores = await createSqlStores(`sqlite:${file}`, { busyTimeoutMs: 1234 });
    expect(stores.dialect).toBe('sqlite');
    await stores.ping();
    await stores.close();
    expect(existsSync(file)).toBe(true);
    const raw = new Database(file);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('creates the database, its WAL and its directory readable by the owner alone', async () => {
    const file = freshFile();
    const stores = await createSqlStores(`sqlite:${file}`);
    await stores.users.createUser(makeUser());
    const mode = (path: string) => statSync(path).mode & 0o777;
    expect(mode(file)).toBe(0o600);
    expect(mode(`${file}-wal`)).toBe(0o600);
    expect(mode(join(file, '..'))).toBe(0o700);
    await stores.close();
  });

  it('runs migrations idempotently: twice in a row, and again on reopening', async () => {
    const file = freshFile();
    const stores = await createSqlStores(`sqlite:${file}`);
    await stores.migrate();
    await stores.migrate();
    const user = makeUser();
    expect(await stores.users.createUser(user)).toBe(true);
    await stores.close();
    const reopened = await createSqlStores(`sqlite:${file}`);
    expect((await reopened.users.findUserById(user.id))?.email).toBe(user.email);
    await reopened.close();
  });

  it('upgrades a database of the previous version: rotations it made, before or after the upgrade, keep their grace', async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    const migrator = new Migrator({
      db: old,
      provider: { getMigrations: async () => ({ '0001_initial': initialMigration('sqlite') }) },
      migrationTableName: 'tessera_migration',
      migrationLockTableName: 'tessera_migration_lock',
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await old.destroy();
    // What the previous version's rotateSession wrote: the latest rotation only.
    const rotateTheOldWay = (raw: Database.Database, id: string, expected: string, nonce: string, atMs: number) =>
      raw
        .prepare('update tessera_sessions set previous_secret_hash = ?, secret_hash = ?, rotation_nonce = ?, rotated_at = ? where id = ? and secret_hash = ?')
        .run(expected, randomId(32), nonce, atMs, id, expected);

    const session = makeSession('u1');
    const before = new Database(file);
    before
      .prepare('insert into tessera_sessions (id, user_id, secret_hash, created_at, last_used_at, idle_expires_at, absolute_expires_at) values (?, ?, ?, ?, ?, ?, ?)')
      .run(session.id, session.userId, session.secretHash, at().getTime(), at().getTime(), at(DAY).getTime(), at(30 * DAY).getTime());
    rotateTheOldWay(before, session.id, session.secretHash, 'nonce-old-1', at(1).getTime());
    before.close();

    const stores = await createSqlStores(`sqlite:${file}`);
    const found = (await stores.sessions.findSession(session.id))!;
    const oldRotation = { supersededHash: session.secretHash, nonce: 'nonce-old-1', rotatedAt: at(1) };
    expect(found.recentRotations).toEqual([oldRotation]);

    const next = { expectedSecretHash: found.secretHash, newSecretHash: randomId(32), rotationNonce: 'nonce-new-2', rotatedAt: at(2), idleExpiresAt: at(DAY), earlierRotations: found.recentRotations };
    expect(await stores.sessions.rotateSession(session.id, next)).toBe(true);
    const newRotation = { supersededHash: found.secretHash, nonce: 'nonce-new-2', rotatedAt: at(2) };
    expect((await stores.sessions.findSession(session.id))?.recentRotations).toEqual([newRotation, oldRotation]);

    // A server of the previous version, still running during a rolling upgrade, rotates once more: the stored
    // history no longer leads to the current secret, so only the rotation it recorded counts.
    const during = new Database(file);
    rotateTheOldWay(during, session.id, next.newSecretHash, 'nonce-old-3', at(3).getTime());
    during.close();
    expect((await stores.sessions.findSession(session.id))?.recentRotations).toEqual([
      { supersededHash: next.newSecretHash, nonce: 'nonce-old-3', rotatedAt: at(3) },
    ]);
    await stores.close();
  });

  it('upgrading to one link per user and purpose keeps only the newest of the duplicates a race left', async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    const before = Object.fromEntries(Object.entries(tesseraMigrations('sqlite')).filter(([name]) => name < '0008'));
    const migrator = new Migrator({ db: old, provider: { getMigrations: async () => before }, migrationTableName: 'tessera_migration', migrationLockTableName: 'tessera_migration_lock' });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await old.destroy();
    const raw = new Database(file);
    const insert = raw.prepare('insert into tessera_one_time_tokens (hash, purpose, user_id, email, created_at, expires_at) values (?, ?, ?, ?, ?, ?)');
    for (const [hash, purpose, createdAt] of [['older', 'password_reset', 1], ['newer', 'password_reset', 2], ['verify', 'verify_email', 1]] as const) {
      insert.run(hash, purpose, 'u1', 'ann@example.test', at(createdAt).getTime(), at(DAY).getTime());
    }
    raw.close();

    const stores = await createSqlStores(`sqlite:${file}`);
    expect(await stores.oneTimeTokens.consumeOneTimeToken('older', 'password_reset', at(10))).toBeNull();
    expect(await stores.oneTimeTokens.consumeOneTimeToken('newer', 'password_reset', at(10))).toMatchObject({ userId: 'u1' });
    expect(await stores.oneTimeTokens.consumeOneTimeToken('verify', 'verify_email', at(10))).toMatchObject({ userId: 'u1' });
    await stores.close();
  });

  it('upgrades users of the previous version to enabled, and a previous-version insert still works after the upgrade', async () => {
    const file = freshFile();
    mkdirSync(dirname(file), { recursive: true });
    const old = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    const migrator = new Migrator({
      db: old,
      provider: { getMigrations: async () => ({ '0001_initial': initialMigration('sqlite'), '0002_recent_rotations': recentRotationsMigration }) },
      migrationTableName: 'tessera_migration',
      migrationLockTableName: 'tessera_migration_lock',
    });
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    await old.destroy();
    // What the previous version's createUser wrote: no disabled_at column at all.
    const insertTheOldWay = (id: string, email: string) => {
      const raw = new Database(file);
      raw
        .prepare('insert into tessera_users (id, email, name, password_hash, roles, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?)')
        .run(id, email, null, 'hash', '["user"]', at().getTime(), at().getTime());
      raw.close();
    };
    insertTheOldWay('before', 'before@example.test');

    const stores = await createSqlStores(`sqlite:${file}`);
    expect((await stores.users.findUserById('before'))?.disabledAt).toBeNull();
    insertTheOldWay('during', 'during@example.test');
    expect((await stores.users.findUserById('during'))?.disabledAt).toBeNull();
    expect(await stores.users.setUserDisabled('during', at(DAY), at(DAY))).toBe(true);
    expect((await stores.users.findUserById('during'))?.disabledAt).toEqual(at(DAY));
    await stores.close();
  });

  it('does not touch the schema with migrate: false, and close() is idempotent', async () => {
    const stores = await createSqlStores('sqlite::memory:', { migrate: false });
    const failure = await stores.users.findUserById('x').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TesseraError);
    expect((failure as TesseraError).code).toBe('internal_error');
    expect((failure as TesseraError).message).not.toMatch(/tessera_users|select/i);
    await stores.migrate();
    expect(await stores.users.findUserById('x')).toBeNull();
    await stores.close();
    await stores.close();
  });

  it("reports 'unavailable' when another process holds the write lock past busy_timeout", async () => {
    const file = freshFile();
    const stores = await createSqlStores(`sqlite:${file}`, { busyTimeoutMs: 50 });
    const other = new Database(file);
    other.exec('begin immediate');
    try {
      const started = Date.now();
      const failure = await stores.users.createUser(makeUser()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TesseraError);
      expect((failure as TesseraError).code).toBe('unavailable');
      expect((failure as TesseraError).cause).toMatchObject({ code: expect.stringMatching(/^SQLITE_BUSY/) });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      other.exec('rollback');
      other.close();
    }
    expect(await stores.users.createUser(makeUser())).toBe(true);
    await stores.close();
  });
});
