// Refresh throughput and p99 latency through the core (createAuth with real stores, no HTTP) on SQLite,
// PostgreSQL and Redis, with 10k and 1M live sessions preloaded. Everything it creates, it removes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createAuth, createRefreshSecret, createSessionId, deriveKeys, formatRefreshToken, hashSecret, KeyRing, type Auth,
  type DerivedKeys, type Stores,
} from '@tessera/core';
import { closeRedis, connectRedis, createRedisSessionStore } from '@tessera/store-redis';
import { createSqlStores } from '@tessera/store-sql';
import Database from 'better-sqlite3';
import pg from 'pg';
import { fillerSession, postgresPreloader, preloadWithin, redisPreloader, sqlitePreloader, type Preloader } from './refresh-preload.js';

export type RefreshBenchStore = 'sqlite' | 'postgres' | 'redis';

export interface RefreshBenchOptions {
  stores?: readonly RefreshBenchStore[];
  /** Live sessions to measure at, ascending (default 10 000 and 1 000 000); the store grows between them. */
  liveSessions?: readonly number[];
  /** Measuring time per row (default 3 000 ms). */
  durationMs?: number;
  /** Refreshes in flight at once (default 16). */
  concurrency?: number;
  /** Time allowed to preload each size (default 110 s); the row reports the count actually reached. */
  preloadBudgetMs?: number;
  postgresUrl?: string;
  redisUrl?: string;
  log?: (line: string) => void;
}

export interface RefreshBenchRow {
  store: RefreshBenchStore;
  liveSessions: number;
  refreshPerSec: number;
  p99Ms: number;
}

/** The sessions being refreshed; each worker owns a disjoint slice, so no refresh races another. */
const HOT_SESSIONS = 2_000;

interface Target {
  stores: Stores;
  preload: Preloader;
  cleanup(): Promise<void>;
}

async function openTarget(store: RefreshBenchStore, options: Required<Pick<RefreshBenchOptions, 'postgresUrl' | 'redisUrl'>>): Promise<Target> {
  const now = Date.now;
  if (store === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-'));
    const file = path.join(dir, 'tessera.db');
    const stores = await createSqlStores(`sqlite:${file}`);
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    return { stores, preload: sqlitePreloader(db, now), cleanup: async () => { db.close(); await stores.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  if (store === 'postgres') {
    const schema = `tessera_bench_${randomBytes(6).toString('hex')}`;
    const url = new URL(options.postgresUrl);
    url.searchParams.set('schema', schema);
    const stores = await createSqlStores(url.toString());
    const pool = new pg.Pool({ connectionString: options.postgresUrl, max: 4 });
    return {
      stores,
      preload: postgresPreloader(pool, schema, now),
      cleanup: async () => {
        await stores.close();
        await pool.query(`drop schema if exists "${schema}" cascade`);
        await pool.end();
      },
    };
  }
  // Redis holds the sessions; users and keys stay in SQL, as in a server with TESSERA_REDIS_URL.
  const prefix = `tessera_bench_${randomBytes(6).toString('hex')}:`;
  const redis = await connectRedis(options.redisUrl, { commandTimeout: 60_000 });
  const sql = await createSqlStores('sqlite::memory:');
  const sessions = createRedisSessionStore(redis, { keyPrefix: prefix });
  return {
    stores: { ...sql, sessions },
    preload: redisPreloader(sessions, now),
    cleanup: async () => {
      await sql.close();
      // SCAN + UNLINK under our own prefix only: the Redis may be shared (never KEYS, never FLUSHDB).
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 10_000);
        cursor = next;
        if (keys.length > 0) await redis.unlink(...keys);
      } while (cursor !== '0');
      await closeRedis(redis);
    },
  };
}

/** Creates the hot sessions through the store with genuine refresh tokens, as login would. */
async function hotTokens(stores: Stores, derived: DerivedKeys, userId: string): Promise<string[]> {
  const tokens: string[] = [];
  for (let n = 0; n < HOT_SESSIONS; n += 1) {
    const id = createSessionId(randomBytes);
    const secret = createRefreshSecret(derived.refresh, id, randomBytes);
    await stores.sessions.createSession({ ...fillerSession(n, Date.now()), id, userId, secretHash: hashSecret(secret) });
    tokens.push(formatRefreshToken(id, secret));
  }
  return tokens;
}

/** Runs `concurrency` workers, each cycling through its own slice of the sessions, for `durationMs`. */
async function measure(auth: Auth, tokens: string[], durationMs: number, concurrency: number): Promise<{ perSec: number; p99Ms: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const slice = Math.floor(tokens.length / concurrency);
  const worker = async (w: number) => {
    for (let i = 0; performance.now() - started < durationMs; i += 1) {
      const slot = w * slice + (i % slice);
      const t0 = performance.now();
      const issued = await auth.refresh(tokens[slot]!);
      latencies.push(performance.now() - t0);
      tokens[slot] = issued.refreshToken;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return { perSec: (latencies.length / elapsed) * 1000, p99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? NaN };
}

async function benchStore(store: RefreshBenchStore, sizes: readonly number[], options: Required<RefreshBenchOptions>): Promise<RefreshBenchRow[]> {
  const target = await openTarget(store, options);
  const rows: RefreshBenchRow[] = [];
  try {
    const derived = deriveKeys(randomBytes(32));
    const settings = {
      issuer: 'https://bench.tessera.local', audience: ['tessera'], accessTtlSeconds: 900, refreshTtlSeconds: 14 * 86_400,
      sessionMaxAgeSeconds: 30 * 86_400, refreshGraceSeconds: 10, clockToleranceSeconds: 5,
    };
    const keys = await KeyRing.load(target.stores.keys, { alg: 'ES256', encryptionKey: derived.keyEncryption, accessTtlSeconds: 900, now: Date.now });
    const auth = await createAuth({ stores: target.stores, keys, derived, settings });
    const { user } = await auth.signup({ email: 'bench@example.test', password: 'correct horse battery' }, {});
    const tokens = await hotTokens(target.stores, derived, user.id);
    let live = HOT_SESSIONS;
    for (const size of sizes) {
      live += await preloadWithin(target.preload, live, Math.max(0, size - live), options.preloadBudgetMs, options.log, store);
      await measure(auth, tokens, Math.min(500, options.durationMs), options.concurrency); // warm-up
      const { perSec, p99Ms } = await measure(auth, tokens, options.durationMs, options.concurrency);
      rows.push({ store, liveSessions: live, refreshPerSec: Math.round(perSec), p99Ms: Number(p99Ms.toFixed(2)) });
      options.log(`  ${store} @ ${live} sessions: ${Math.round(perSec)} refresh/s, p99 ${p99Ms.toFixed(2)} ms`);
    }
  } finally {
    await target.cleanup();
  }
  return rows;
}

/**
 * Measures refresh (one rotation: lookup, compare-and-swap, user lookup, signing) on each store, at each
 * size. A store whose service can't be reached is skipped with a line saying so.
 */
export async function runRefreshBench(options: RefreshBenchOptions = {}): Promise<RefreshBenchRow[]> {
  const resolved: Required<RefreshBenchOptions> = {
    stores: options.stores ?? ['sqlite', 'postgres', 'redis'],
    liveSessions: [...(options.liveSessions ?? [10_000, 1_000_000])].sort((a, b) => a - b),
    durationMs: options.durationMs ?? 3_000,
    concurrency: options.concurrency ?? 16,
    preloadBudgetMs: options.preloadBudgetMs ?? 110_000,
    postgresUrl: options.postgresUrl ?? process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: options.redisUrl ?? process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    log: options.log ?? ((line) => console.log(line)),
  };
  if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1 || resolved.concurrency > HOT_SESSIONS) {
    throw new RangeError(`concurrency must be a whole number from 1 to ${HOT_SESSIONS}.`);
  }
  const rows: RefreshBenchRow[] = [];
  for (const store of resolved.stores) {
    try {
      rows.push(...(await benchStore(store, resolved.liveSessions, resolved)));
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'unavailable') throw error;
      resolved.log(`  ${store}: SKIPPED, the service is unreachable (${(error as Error).message})`);
    }
  }
  return rows;
}
