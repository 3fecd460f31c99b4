import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TesseraError } from '@tessera/core';
import { makeUser, runStoreConformance } from '@tessera/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqlStores } from './create-sql-stores.js';

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
