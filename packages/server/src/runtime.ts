import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createAuth, deriveKeys, importSigningKey, KeyRing, type Auth, type AuthEventListener } from '@tessera/core';
import { createSqlStores, type SqlStores } from '@tessera/store-sql';
import { ConfigError, type ServerConfig } from './config.js';
import { loadOrCreateSecret, SECRET_FILE } from './secret-file.js';
import { createRateLimits, type RateLimitOptions } from './limits/rate-limits.js';
import { openRedisRuntime, type RedisRuntime } from './redis-runtime.js';

export interface Runtime {
  config: ServerConfig;
  stores: SqlStores;
  keys: KeyRing;
  auth: Auth;
  close(): Promise<void>;
  /**
   * Only with TESSERA_REDIS_URL: tells every running server that `kid` now signs, so they reload their keys at
   * once (`tessera keys rotate`). Resolves false when Redis can't be reached; servers then catch up within 30 s.
   */
  announceKeyRotation?: (kid: string) => Promise<boolean>;
}

export interface RuntimeOptions {
  now?: () => number;
  /** Receives every audit event of the auth core (signup, login_failed, lockout, reuse_detected, …). */
  onEvent?: AuthEventListener;
  /** An ioredis connection for the rate-limit counters, shared by every instance on it; memory otherwise. */
  redis?: RateLimitOptions['redis'];
  /** Where background trouble (a lost Redis connection) is reported; standard error by default. */
  log?: (line: string) => void;
}

/**
 * Opens everything a Tessera process needs from a checked configuration: the secret, the stores (running
 * migrations), the key ring and the auth core with its rate limits (unless TESSERA_RATE_LIMIT=off). Shared by
 * `tessera serve` and the CLI's other commands.
 */
export async function openRuntime(config: ServerConfig, options: RuntimeOptions = {}): Promise<Runtime> {
  const now = options.now ?? Date.now;
  const generated = config.secret === null && config.dataDir !== null ? loadOrCreateSecret(config.dataDir) : undefined;
  // No directory: an in-memory database, whose keys die with the process, needs no secret that outlives it.
  const secret = config.secret ?? generated?.secret ?? randomBytes(32);
  const derived = deriveKeys(secret);
  let configuredKey;
  if (config.signingKey !== null) {
    try {
      configuredKey = importSigningKey(config.signingKey, config.signingAlg);
    } catch (error) {
      throw new ConfigError(`TESSERA_SIGNING_KEY cannot be used: ${(error as Error).message}`);
    }
  }
  const sqlStores = await createSqlStores(config.databaseUrl);
  if (generated?.created && config.signingKey === null && config.signingAlg !== 'HS256') {
    await refuseKeysSealedElsewhere(sqlStores, path.join(config.dataDir!, SECRET_FILE));
  }
  // With Redis, sessions (and their revocations) live there; users and keys stay in SQL.
  let redis: RedisRuntime | undefined;
  try {
    if (config.redisUrl !== null) redis = await openRedisRuntime(config.redisUrl, config.redisPrefix, options.log ?? ((line) => console.error(line)));
  } catch (error) {
    await sqlStores.close();
    throw error;
  }
  const stores: SqlStores = redis ? withRedisSessions(sqlStores, redis) : sqlStores;
  try {
    const keys = await KeyRing.load(stores.keys, {
      alg: config.signingAlg,
      encryptionKey: derived.keyEncryption,
      hs256Key: derived.hs256,
      ...(configuredKey ? { configuredKey } : {}),
      accessTtlSeconds: config.accessTtlSeconds,
      now,
    });
    const auth = await createAuth({
      stores,
      keys,
      derived,
      now,
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      ...(config.rateLimit ? { limits: createRateLimits({ redis: options.redis ?? redis?.redis, keyPrefix: `${config.redisPrefix}rl` }) } : {}),
      settings: {
        issuer: config.issuer,
        audience: config.audience,
        accessTtlSeconds: config.accessTtlSeconds,
        refreshTtlSeconds: config.refreshTtlSeconds,
        sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
        refreshGraceSeconds: config.refreshGraceSeconds,
        clockToleranceSeconds: config.clockToleranceSeconds,
      },
    });
    // No onRevoke above: the Redis store publishes each revocation itself, in the same step that records it.
    if (redis) await redis.follow(auth, keys, (config.accessTtlSeconds + config.clockToleranceSeconds) * 1000);
    return { config, stores, keys, auth, close: () => stores.close(), ...(redis ? { announceKeyRotation: redis.announceKeyRotation } : {}) };
  } catch (error) {
    await stores.close();
    throw error;
  }
}

/**
 * A secret generated just now cannot open signing keys the database already holds: they were sealed under a
 * secret kept elsewhere (another working directory, another machine, a deleted file). Say so in one sentence,
 * and take the new file back rather than leave a second, useless secret behind.
 */
async function refuseKeysSealedElsewhere(stores: SqlStores, file: string): Promise<void> {
  const sealed = (await stores.keys.listKeys()).some((key) => key.privateKeyEncrypted !== null);
  if (!sealed) return;
  rmSync(file, { force: true });
  await stores.close();
  throw new ConfigError(
    `TESSERA_SECRET is unset, and this database holds signing keys sealed with another secret than the one just generated in ${file} (now removed); set TESSERA_SECRET to the secret it first ran with, or TESSERA_DATA_DIR to the directory of its secret file.`,
  );
}

function withRedisSessions(sql: SqlStores, redis: RedisRuntime): SqlStores {
  return {
    ...sql,
    sessions: redis.sessions,
    async close() {
      await redis.close();
      await sql.close();
    },
  };
}
