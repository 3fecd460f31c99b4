import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSqlStores } from './create-sql-stores.js';
import { DatabaseUrlError, parseDatabaseUrl } from './url.js';

describe('parseDatabaseUrl', () => {
  it('reads SQLite paths, relative, absolute and in memory', () => {
    expect(parseDatabaseUrl('sqlite:./data/tessera.db')).toEqual({ dialect: 'sqlite', path: resolve('data/tessera.db') });
    expect(parseDatabaseUrl('sqlite:/var/lib/tessera.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/tessera.db' });
    expect(parseDatabaseUrl('sqlite:///var/lib/tessera.db')).toEqual({ dialect: 'sqlite', path: '/var/lib/tessera.db' });
    expect(parseDatabaseUrl('sqlite::memory:')).toEqual({ dialect: 'sqlite', path: ':memory:' });
  });

  it('reads PostgreSQL URLs and takes ?schema= out of the connection string', () => {
    expect(parseDatabaseUrl('postgres://u:p%40ss@db.example:5433/app')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgres://u:p%40ss@db.example:5433/app',
      schema: undefined,
    });
    expect(parseDatabaseUrl('postgresql://u@h/app?schema=auth_1&sslmode=require')).toEqual({
      dialect: 'postgres',
      connectionString: 'postgresql://u@h/app?sslmode=require',
      schema: 'auth_1',
    });
    expect(parseDatabaseUrl('postgres://u@h/app?schema=a', { schema: 'b' })).toMatchObject({ schema: 'b' });
  });

  it('reads MySQL and MariaDB URLs', () => {
    expect(parseDatabaseUrl('mysql://root@127.0.0.1:3306/test')).toEqual({ dialect: 'mysql', uri: 'mysql://root@127.0.0.1:3306/test' });
    expect(parseDatabaseUrl('mariadb://root:pw@db/test')).toEqual({ dialect: 'mysql', uri: 'mysql://root:pw@db/test' });
  });

  it.each([
    ['empty', ''],
    ['no scheme', 'tessera.db'],
    ['unsupported scheme', 'redis://127.0.0.1:6379'],
    ['http', 'https://user:hunter2@example.com/db'],
    ['empty sqlite path', 'sqlite:'],
    ['unparsable postgres', 'postgres://user:pw@[::1/db'],
    ['schema with quotes', 'postgres://h/db?schema=x";drop'],
    ['mysql without host', 'mysql:///test'],
  ])('refuses %s with one sentence naming TESSERA_DATABASE_URL and the accepted forms', (_label, url) => {
    let error: unknown;
    try {
      parseDatabaseUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DatabaseUrlError);
    const message = (error as Error).message;
    expect(message).toMatch(/^TESSERA_DATABASE_URL .+; use sqlite:<path>, sqlite::memory:, postgres:\/\/.+mysql:\/\/.+\.$/);
    expect(message).not.toContain('\n');
    expect(message).not.toContain('hunter2');
  });

  it('makes createSqlStores reject with the same error', async () => {
    await expect(createSqlStores('mongodb://localhost/tessera')).rejects.toThrow(
      /^TESSERA_DATABASE_URL has the unsupported scheme "mongodb:"; use sqlite:<path>/,
    );
  });
});
