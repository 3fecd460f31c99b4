// Fast paths that fill a store with live sessions for the refresh benchmark: multi-row INSERTs in
// transactions on SQLite and PostgreSQL, pipelined session-store calls on Redis. The rows are shaped exactly
// like the store's own (instants as integer milliseconds), with random ids and hashes.
import { randomBytes } from 'node:crypto';
import type { NewSession, SessionStore } from '@tessera/core';
import type Database from 'better-sqlite3';
import type pg from 'pg';

const DAY = 86_400_000;
const SESSIONS_PER_USER = 10;
const COLUMNS = ['id', 'user_id', 'secret_hash', 'created_at', 'last_used_at', 'idle_expires_at', 'absolute_expires_at', 'user_agent', 'ip'];

/** Adds `count` sessions starting at number `from`; resolves when done. */
export type Preloader = (from: number, count: number) => Promise<void>;

export function fillerSession(n: number, now: number): NewSession {
  return {
    id: randomBytes(16).toString('base64url'),
    userId: `bench-user-${Math.floor(n / SESSIONS_PER_USER)}`,
    secretHash: randomBytes(32).toString('base64url'),
    createdAt: new Date(now - (n % 1000)),
    lastUsedAt: new Date(now),
    idleExpiresAt: new Date(now + 14 * DAY),
    absoluteExpiresAt: new Date(now + 30 * DAY),
    userAgent: 'Mozilla/5.0 (bench)',
    dpopJkt: null,
    ip: '203.0.113.9',
  };
}

function values(s: NewSession): (string | number | null)[] {
  return [s.id, s.userId, s.secretHash, s.createdAt.getTime(), s.lastUsedAt.getTime(), s.idleExpiresAt.getTime(), s.absoluteExpiresAt.getTime(), s.userAgent, s.ip];
}

function insertSql(rows: number, placeholder: (i: number) => string, table = 'tessera_sessions'): string {
  const tuples = Array.from({ length: rows }, (_, r) => `(${COLUMNS.map((_, c) => placeholder(r * COLUMNS.length + c + 1)).join(',')})`);
  return `insert into ${table} (${COLUMNS.join(',')}) values ${tuples.join(',')}`;
}

/** SQLite: 500-row INSERTs, 100 000 rows per transaction, on a connection of our own to the same file. */
export function sqlitePreloader(db: Database.Database, now: () => number): Preloader {
  const BATCH = 500;
  const full = db.prepare(insertSql(BATCH, () => '?'));
  return async (from, count) => {
    for (let done = 0; done < count; ) {
      const chunk = Math.min(100_000, count - done);
      db.transaction(() => {
        for (let i = 0; i < chunk; i += BATCH) {
          const rows = Math.min(BATCH, chunk - i);
          const params = Array.from({ length: rows }, (_, r) => values(fillerSession(from + done + i + r, now()))).flat();
          (rows === BATCH ? full : db.prepare(insertSql(rows, () => '?'))).run(...params);
        }
      })();
      done += chunk;
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
}

/** PostgreSQL: 1 000-row INSERTs (9 000 parameters), four in flight on a small pool, each its own transaction. */
export function postgresPreloader(pool: pg.Pool, schema: string, now: () => number): Preloader {
  const BATCH = 1_000;
  const table = `"${schema}".tessera_sessions`;
  return async (from, count) => {
    const batches: number[] = [];
    for (let i = 0; i < count; i += BATCH) batches.push(i);
    const worker = async () => {
      for (let i = batches.shift(); i !== undefined; i = batches.shift()) {
        const rows = Math.min(BATCH, count - i);
        const params = Array.from({ length: rows }, (_, r) => values(fillerSession(from + i + r, now()))).flat();
        await pool.query(insertSql(rows, (n) => `$${n}`, table), params);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  };
}

/**
 * Redis: the session store's own createSession (one Lua script each, so the hash, both indexes and the TTL are
 * exactly what the store writes), 5 000 in flight at a time — ioredis pipelines them on the one connection.
 */
export function redisPreloader(sessions: SessionStore, now: () => number): Preloader {
  const IN_FLIGHT = 5_000;
  return async (from, count) => {
    for (let i = 0; i < count; i += IN_FLIGHT) {
      const rows = Math.min(IN_FLIGHT, count - i);
      await Promise.all(Array.from({ length: rows }, (_, r) => sessions.createSession(fillerSession(from + i + r, now()))));
    }
  };
}

/**
 * Grows a store to `target` sessions in steps, stopping early once `budgetMs` is spent; resolves to the count
 * actually added.
 */
export async function preloadWithin(preload: Preloader, from: number, target: number, budgetMs: number, log: (line: string) => void, label: string): Promise<number> {
  const started = Date.now();
  const step = Math.max(10_000, Math.ceil(target / 50));
  let added = 0;
  while (added < target) {
    if (Date.now() - started > budgetMs) {
      log(`  ${label}: preload budget of ${Math.round(budgetMs / 1000)} s spent; measuring with ${from + added} sessions instead of ${from + target}`);
      break;
    }
    const count = Math.min(step, target - added);
    await preload(from + added, count);
    added += count;
  }
  log(`  ${label}: ${from + added} live sessions (added ${added} in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return added;
}
