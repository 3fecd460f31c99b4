import { resolve } from 'node:path';
import type { MysqlTarget } from './connect/mysql.js';
import type { PostgresTarget } from './connect/postgres.js';
import type { SqliteTarget } from './connect/sqlite.js';

export type DatabaseTarget = SqliteTarget | PostgresTarget | MysqlTarget;

const ACCEPTED = 'sqlite:<path>, sqlite::memory:, postgres://user@host:5432/db (or postgresql://…) or mysql://user@host:3306/db (or mariadb://…)';
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

export class DatabaseUrlError extends Error {
  constructor(detail: string) {
    super(`TESSERA_DATABASE_URL ${detail}; use ${ACCEPTED}.`);
    this.name = 'DatabaseUrlError';
  }
}

function parseUrl(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw new DatabaseUrlError('is not a valid URL');
  }
}

/**
 * Reads a database URL. PostgreSQL URLs may carry `?schema=<name>` (a plain identifier): the store then works
 * in that schema only (every connection's search_path), and migrate() creates it when missing — several
 * Tessera installs, or parallel test suites, can share one database this way. `options.schema` does the same
 * and wins over the URL. Only the URL's scheme ever appears in an error, never its credentials.
 */
export function parseDatabaseUrl(url: string, options: { schema?: string } = {}): DatabaseTarget {
  const trimmed = url.trim();
  if (trimmed === '') throw new DatabaseUrlError('is empty');

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === undefined) throw new DatabaseUrlError('has no scheme');

  if (scheme === 'sqlite') {
    let path = trimmed.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw new DatabaseUrlError('names no SQLite file');
    return { dialect: 'sqlite', path: path === ':memory:' ? ':memory:' : resolve(path) };
  }

  if (scheme === 'postgres' || scheme === 'postgresql') {
    const parsed = parseUrl(trimmed);
    const schema = options.schema ?? (parsed.searchParams.get('schema') || undefined);
    parsed.searchParams.delete('schema');
    if (schema !== undefined && !IDENTIFIER.test(schema)) {
      throw new DatabaseUrlError('has a schema that is not a plain identifier (letters, digits, _; at most 63)');
    }
    return { dialect: 'postgres', connectionString: parsed.toString(), schema };
  }

  if (scheme === 'mysql' || scheme === 'mariadb') {
    const parsed = parseUrl(`mysql:${trimmed.slice(scheme.length + 1)}`);
    if (parsed.hostname === '') throw new DatabaseUrlError('names no MySQL host');
    return { dialect: 'mysql', uri: parsed.toString() };
  }

  throw new DatabaseUrlError(`has the unsupported scheme "${scheme}:"`);
}
