import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createAuth, createDpopNonces, createDpopProofVerifier, createMemoryReplayCache, createRedisReplayCache, deriveKeys, importSigningKey, KeyRing, TesseraError, type Auth, type AuthEventListener, type DpopNonces, type VerifyDpopProof } from '@tessera/core';
import { createSqlStores, type SqlStores } from '@tessera/store-sql';
import { ConfigError, type ServerConfig } from '../config.js';
import { describeDatabase, describeError } from '../describe-error.js';
import { loadOrCreateSecret, SECRET_FILE } from './secret-file.js';
import { createRateLimits, type RateLimitOptions } from '../limits/rate-limits.js';
import { observeStores, type StoreObserver } from '../metrics/observe-stores.js';
import { openRedisRuntime, type RedisRuntime } from './redis-runtime.js';
import { createAccountMailer, type AccountMailer } from '../mail/mailer.js';
import { loadTemplates } from '../mail/templates.js';

export interface Runtime {
  config: ServerConfig;
  stores: SqlStores;
  keys: KeyRing;
  auth: Auth;
  /** The server secret in force (configured, read from the secret file, or generated for an in-memory store), for in-process companions such as cookie sessions, which derive their CSRF key from it. */
  secret: Buffer;
  /** Verification and reset mail: how it is sent, and the development outbox when that is where it goes. */
  mail: AccountMailer;
  /** Checks DPoP proofs (RFC 9449) with the runtime's clock and replay cache (Redis when configured). */
  verifyDpopProof: VerifyDpopProof;
  /** With TESSERA_DPOP_NONCE=on: the server nonces `verifyDpopProof` requires, for the app's `DPoP-Nonce` header. */
  dpopNonces?: DpopNonces;
  close(): Promise<void>;
  /** Asks every backing store for a round trip: which are reachable now (`/readyz`). Never rejects. */
  checkStores(): Promise<StoreStatus>;
  /**
   * Only with TESSERA_REDIS_URL: tells every running server that `kid` now signs, so they reload their keys at
   * once (`tessera keys rotate`). Resolves false when Redis can't be reached; servers then catch up within 30 s.
   */
  announceKeyRotation?: (kid: string) => Promise<boolean>;
}

/** Each backing store by role, and whether it answered. */
export type StoreStatus = Record<'database' | 'redis', boolean | undefined>;

/** A store that has not answered by then counts as down: a readiness probe must answer quickly itself. */
const STORE_CHECK_TIMEOUT_MS = 2_000;

function answers(ping: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_CHECK_TIMEOUT_MS);
  });
  return Promise.race([ping().then(() => true, () => false), timeout]).finally(() => clearTimeout(timer));
}

export interface RuntimeOptions {
  now?: () => number;
  /** Receives every audit event of the auth core (signup, login_failed, lockout, reuse_detected, …). */
  onEvent?: AuthEventListener;
  /** An ioredis connection for the rate-limit counters, shared by every instance on it; memory otherwise. */
  redis?: RateLimitOptions['redis'];
  /** Where background trouble (a lost Redis connection) is reported; standard error by default. */
  log?: (line: string) => void;
  /** Told the duration and outcome of every store call (metrics); without it the stores are used unwrapped. */
  observeStore?: StoreObserver;
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
  let templates;
  try {
    templates = loadTemplates(config.mail.templatesDir);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const mail = createAccountMailer({ config: config.mail, appUrl: config.mail.appUrl ?? config.issuer, templates, log: options.log ?? ((line) => console.error(line)), now });
  const sqlStores = await openSqlStores(config.databaseUrl);
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
  const combined: SqlStores = redis ? withRedisSessions(sqlStores, redis) : sqlStores;
  const stores = options.observeStore ? observeStores(combined, options.observeStore) : combined;
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
      ...(mail.settings ? { mail: mail.settings } : {}),
      ...(config.rateLimit ? { limits: createRateLimits({ redis: options.redis ?? redis?.redis, keyPrefix: `${config.redisPrefix}rl` }) } : {}),
      settings: {
        issuer: config.issuer,
        audience: config.audience,
        accessTtlSeconds: config.accessTtlSeconds,
        refreshTtlSeconds: config.refreshTtlSeconds,
        sessionMaxAgeSeconds: config.sessionMaxAgeSeconds,
        refreshGraceSeconds: config.refreshGraceSeconds,
        clockToleranceSeconds: config.clockToleranceSeconds,
        dpop: config.dpop,
      },
    });
    // Stateless: the MAC key comes from the server secret, so instances sharing it need no store to agree.
    const dpopNonces = config.dpopNonce ? createDpopNonces({ secret: derived.dpopNonce, now }) : undefined;
    // One replay cache for every instance on the Redis, so a proof used here cannot be replayed at another.
    const verifyDpopProof = createDpopProofVerifier({
      replayCache: redis ? createRedisReplayCache(redis.redis, { keyPrefix: config.redisPrefix }) : createMemoryReplayCache({ now }),
      clockToleranceSeconds: config.clockToleranceSeconds,
      ...(dpopNonces ? { nonces: dpopNonces } : {}),
      now,
    });
    // No onRevoke above: the Redis store publishes each revocation itself, in the same step that records it.
    if (redis) await redis.follow(auth, keys, (config.accessTtlSeconds + config.clockToleranceSeconds) * 1000);
    const checkStores = async (): Promise<StoreStatus> => {
      const [database, redisUp] = await Promise.all([answers(() => sqlStores.ping()), redis ? answers(() => redis.redis.ping()) : undefined]);
      return { database, redis: redisUp };
    };
    const close = async () => {
      await mail.close();
      await stores.close();
    };
    return { config, stores, keys, auth, secret, mail, verifyDpopProof, dpopNonces, close, checkStores, ...(redis ? { announceKeyRotation: redis.announceKeyRotation } : {}) };
  } catch (error) {
    await stores.close();
    throw error;
  }
}

/** The SQL stores, or a start-up sentence naming the variable, where it points and why it can't be used. */
async function openSqlStores(url: string): Promise<SqlStores> {
  try {
    return await createSqlStores(url);
  } catch (error) {
    if (!(error instanceof TesseraError) || error.code !== 'unavailable') throw error;
    const cause = error.cause instanceof Error && error.cause.cause !== undefined ? error.cause.cause : error.cause;
    throw new TesseraError('unavailable', `The database at ${describeDatabase(url)} (TESSERA_DATABASE_URL) is unreachable (${describeError(cause)}). A backing store is unavailable; try again shortly.`, { cause: error });
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
