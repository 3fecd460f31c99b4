import path from 'node:path';
import { readMailConfig, type MailConfig } from './mail/config.js';
import { DPOP_MODES, parseDuration, parseSecret, SIGNING_ALGS, type DpopMode, type SigningAlg } from '@tessera/core';
import { DatabaseUrlError, parseDatabaseUrl, type DatabaseTarget } from '@tessera/store-sql';
import { readWebAuthnConfig, webAuthnConfigProblem, type WebAuthnConfig } from './passkey-config.js';

export interface ServerConfig {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | null;
  /** TESSERA_REDIS_PREFIX: prefix of every Redis key and channel (default `tessera:`); guards must use the same. */
  redisPrefix: string;
  /**
   * Where the secret is generated and kept when TESSERA_SECRET is unset: TESSERA_DATA_DIR, else the directory of
   * the SQLite file (so it stays with the data it protects, whatever the working directory). Null when
   * TESSERA_SECRET is set, and for `sqlite::memory:`, whose data dies with the process: the secret then lives in
   * memory only.
   */
  dataDir: string | null;
  issuer: string;
  /** False when TESSERA_ISSUER is unset: the issuer then follows the port actually bound (PORT=0). */
  issuerConfigured: boolean;
  audience: string[];
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  /** TESSERA_KEY_ROTATION: the signing key rotates itself after this long; null = only `tessera keys rotate`. */
  keyRotationSeconds: number | null;
  refreshGraceSeconds: number;
  clockToleranceSeconds: number;
  signingAlg: SigningAlg;
  /** TESSERA_SIGNING_KEY as given: a private JWK (JSON) or a PEM. */
  signingKey: string | null;
  /** TESSERA_SECRET decoded; null means "read or generate the one in the data dir". */
  secret: Buffer | null;
  corsOrigins: string[];
  rateLimit: boolean;
  /** TESSERA_DPOP: `off`, `optional` (bind sessions whose login carried a DPoP proof; the default) or `required`. */
  dpop: DpopMode;
  /**
   * TESSERA_DPOP_NONCE=on: every DPoP proof must carry a nonce the server handed out (RFC 9449 §8, `DPoP-Nonce`),
   * derived from the server secret so that every instance sharing it accepts the others'. Off by default.
   */
  dpopNonce: boolean;
  trustProxy: number | null;
  production: boolean;
  /** TESSERA_LOG_LEVEL: the level of the structured (pino) log, audit events included. */
  logLevel: LogLevel;
  /**
   * TESSERA_DEMO: serve the demo app's pages and its `/api/user` and `/api/number`. On by default, off by default
   * when NODE_ENV=production: a production auth server should not carry a demo's routes.
   */
  demo: boolean;
  /**
   * TESSERA_DEMO_NUMBER_URL: what the demo's Get number page calls instead of `/api/number` — another service
   * of yours, such as examples/express-api's `/getnumber`. Null: the demo stays on this origin.
   */
  demoNumberUrl: string | null;
  /** TESSERA_METRICS_PORT / _HOST / _TOKEN: where Prometheus metrics are served; null (neither set) = nowhere. */
  metrics: MetricsConfig | null;
  /** Passkeys: TESSERA_WEBAUTHN_RP_ID, TESSERA_WEBAUTHN_ORIGINS, TESSERA_WEBAUTHN_RP_NAME (see passkey-config.ts). */
  webauthn: WebAuthnConfig;
  /** TESSERA_SMTP_URL, TESSERA_MAIL_FROM, TESSERA_APP_URL, TESSERA_EMAIL_VERIFICATION, TESSERA_PASSWORD_RESET, …. */
  mail: MailConfig;
}

/**
 * `port` set: a listener of its own on `host` (loopback by default), never the public port. `port` null: GET
 * /metrics on the main port, for the holder of `token` only. With both, the separate listener also wants the token.
 */
export interface MetricsConfig {
  port: number | null;
  host: string;
  token: string | null;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A configuration mistake: the message is one sentence naming the variable and what to fix. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function duration(env: Env, name: string, fallback: string, max?: number): number {
  const text = read(env, name) ?? fallback;
  let seconds: number;
  try {
    seconds = parseDuration(text);
  } catch {
    throw new ConfigError(`${name}="${text}" is not a duration; use a whole number with s, m, h or d, like 30s, 15m, 1h or 14d.`);
  }
  if (max !== undefined && seconds > max) throw new ConfigError(`${name}="${text}" is too long; it may be at most ${max}s.`);
  return seconds;
}

function positiveDuration(env: Env, name: string, fallback: string): number {
  const seconds = duration(env, name, fallback);
  if (seconds <= 0) throw new ConfigError(`${name} must be longer than zero.`);
  return seconds;
}

/**
 * TESSERA_KEY_ROTATION: only for keys Tessera generates and stores, and longer than an access token lives — a
 * retired key stays published until its last token expires, so rotating faster would only grow the JWKS.
 */
function keyRotation(env: Env, accessTtlSeconds: number, alg: string): number | null {
  if (read(env, 'TESSERA_KEY_ROTATION') === undefined) return null;
  const seconds = positiveDuration(env, 'TESSERA_KEY_ROTATION', '0s');
  if (alg === 'HS256') throw new ConfigError('TESSERA_KEY_ROTATION cannot be used with TESSERA_SIGNING_ALG=HS256: its key is derived from TESSERA_SECRET; rotate the secret instead, or unset TESSERA_KEY_ROTATION.');
  if (read(env, 'TESSERA_SIGNING_KEY') !== undefined) throw new ConfigError('TESSERA_KEY_ROTATION cannot be used with TESSERA_SIGNING_KEY: a configured key is never replaced by Tessera; unset one of the two.');
  if (seconds <= accessTtlSeconds) throw new ConfigError(`TESSERA_KEY_ROTATION must be longer than TESSERA_ACCESS_TTL (${accessTtlSeconds}s): a retired key stays published until its last token expires.`);
  return seconds;
}

function parseUrl(name: string, text: string, protocols: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`${name}="${text}" is not a URL; write it like ${protocols[0]}//host:port.`);
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}; it starts with ${url.protocol}.`);
  }
  return url;
}

/** The database URL, a relative SQLite path made absolute against `cwd` (the store would use the process's). */
function databaseUrl(env: Env, cwd: string, defaultDataDir: string): { url: string; target: DatabaseTarget } {
  const text = read(env, 'TESSERA_DATABASE_URL') ?? `sqlite:${path.join(defaultDataDir, 'tessera.db')}`;
  let target: DatabaseTarget;
  try {
    target = parseDatabaseUrl(text);
  } catch (error) {
    if (error instanceof DatabaseUrlError) throw new ConfigError(error.message);
    throw error;
  }
  if (target.dialect !== 'sqlite' || target.path === ':memory:') return { url: text, target };
  const file = path.resolve(cwd, text.slice('sqlite:'.length).replace(/^\/\//, ''));
  return { url: `sqlite:${file}`, target: { ...target, path: file } };
}

/**
 * Where the generated secret goes when TESSERA_SECRET is unset. It must stay with the data it protects (its
 * stored keys are encrypted under it): a secret written under the working directory made the same SQLite
 * database, started from elsewhere, refuse to start and left a second secret behind. A PostgreSQL or MySQL
 * database has no directory of its own, so its secret stays in `./data` under the working directory (or
 * TESSERA_DATA_DIR); a start that would pair such a database with a fresh secret is refused by the runtime.
 */
function secretDir(env: Env, cwd: string, database: DatabaseTarget): string | null {
  const explicit = read(env, 'TESSERA_DATA_DIR');
  if (explicit !== undefined) return path.resolve(cwd, explicit);
  if (database.dialect !== 'sqlite') return path.resolve(cwd, 'data');
  return database.path === ':memory:' ? null : path.dirname(database.path);
}

function origin(name: string, text: string): string {
  const url = parseUrl(name, text, ['http:', 'https:']);
  if (url.origin !== text.replace(/\/$/, '')) {
    throw new ConfigError(`${name} lists "${text}", which is not a bare origin; write scheme://host[:port] with no path.`);
  }
  return url.origin;
}

/** The metrics settings, or null when neither TESSERA_METRICS_PORT nor TESSERA_METRICS_TOKEN is set. */
function metricsConfig(env: Env, port: number): MetricsConfig | null {
  const portText = read(env, 'TESSERA_METRICS_PORT');
  const host = read(env, 'TESSERA_METRICS_HOST');
  const token = read(env, 'TESSERA_METRICS_TOKEN');
  if (portText === undefined && host !== undefined) throw new ConfigError('TESSERA_METRICS_HOST is set without TESSERA_METRICS_PORT; set the port of the metrics listener too, or unset TESSERA_METRICS_HOST.');
  if (portText !== undefined && (!/^\d+$/.test(portText) || Number(portText) > 65535)) {
    throw new ConfigError(`TESSERA_METRICS_PORT="${portText}" is not a port number; use 1 to 65535 (0 picks a free port).`);
  }
  if (portText !== undefined && Number(portText) !== 0 && Number(portText) === port) {
    throw new ConfigError(`TESSERA_METRICS_PORT is the same as PORT (${port}); give the metrics listener a port of its own.`);
  }
  // A guessable token would hand the attack counters to anyone who can reach the public port.
  if (token !== undefined && !/^[\x21-\x7e]{32,}$/.test(token)) {
    throw new ConfigError('TESSERA_METRICS_TOKEN must be at least 32 printable characters without spaces; generate one with "npx tessera secret".');
  }
  if (portText === undefined && token === undefined) return null;
  return { port: portText === undefined ? null : Number(portText), host: host ?? '127.0.0.1', token: token ?? null };
}

/**
 * Reads and checks the whole configuration once, at start. Every mistake stops the server with a sentence that
 * says which variable is wrong and how to fix it, rather than failing later on some request.
 */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): ServerConfig {
  const production = env.NODE_ENV === 'production';
  const portText = read(env, 'PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigError(`PORT="${portText}" is not a port number; use 0 to 65535 (0 picks a free port).`);
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const database = databaseUrl(env, cwd, path.resolve(cwd, read(env, 'TESSERA_DATA_DIR') ?? 'data'));

  // What production requires is collected and reported together: a first deployment should not take one
  // restart per missing variable.
  const productionNeeds: string[] = [];
  const issuer = read(env, 'TESSERA_ISSUER') ?? `http://localhost:${port}`;
  parseUrl('TESSERA_ISSUER', issuer, ['http:', 'https:']);
  if (production && !issuer.startsWith('https://')) {
    productionNeeds.push(
      read(env, 'TESSERA_ISSUER') === undefined
        ? 'TESSERA_ISSUER is required when NODE_ENV=production: set it to the https:// URL clients reach this server at.'
        : 'TESSERA_ISSUER must be an https:// URL when NODE_ENV=production.',
    );
  }
  const audience = (read(env, 'TESSERA_AUDIENCE') ?? 'tessera').split(',').map((a) => a.trim());
  if (audience.some((a) => a === '')) throw new ConfigError('TESSERA_AUDIENCE has an empty entry; list audiences separated by commas.');

  const algText = read(env, 'TESSERA_SIGNING_ALG') ?? 'ES256';
  if (!(SIGNING_ALGS as readonly string[]).includes(algText)) {
    throw new ConfigError(`TESSERA_SIGNING_ALG="${algText}" is not supported; choose one of ${SIGNING_ALGS.join(', ')}.`);
  }

  const secretText = read(env, 'TESSERA_SECRET');
  let secret: Buffer | null = null;
  if (secretText !== undefined) {
    try {
      secret = parseSecret(secretText);
    } catch (error) {
      throw new ConfigError((error as Error).message + '.');
    }
  } else if (production) {
    productionNeeds.push('TESSERA_SECRET is required when NODE_ENV=production; generate one with "npx tessera secret".');
  }
  const dataDir = secret === null ? secretDir(env, cwd, database.target) : null;

  const redisText = read(env, 'TESSERA_REDIS_URL');
  if (redisText !== undefined) parseUrl('TESSERA_REDIS_URL', redisText, ['redis:', 'rediss:']);

  const rateLimitText = (read(env, 'TESSERA_RATE_LIMIT') ?? 'on').toLowerCase();
  if (rateLimitText !== 'on' && rateLimitText !== 'off') throw new ConfigError(`TESSERA_RATE_LIMIT="${rateLimitText}" must be on or off.`);
  if (rateLimitText === 'off' && production) productionNeeds.push('TESSERA_RATE_LIMIT=off is refused when NODE_ENV=production; limits protect logins from guessing.');

  const dpopText = (read(env, 'TESSERA_DPOP') ?? 'optional').toLowerCase();
  if (!(DPOP_MODES as readonly string[]).includes(dpopText)) throw new ConfigError(`TESSERA_DPOP="${dpopText}" must be off, optional or required.`);
  const dpopNonceText = (read(env, 'TESSERA_DPOP_NONCE') ?? 'off').toLowerCase();
  if (dpopNonceText !== 'on' && dpopNonceText !== 'off') throw new ConfigError(`TESSERA_DPOP_NONCE="${dpopNonceText}" must be on or off.`);
  // Nonces for proofs that are ignored would be a setting that silently does nothing.
  if (dpopNonceText === 'on' && dpopText === 'off') throw new ConfigError('TESSERA_DPOP_NONCE=on needs DPoP proofs, but TESSERA_DPOP=off ignores them; set TESSERA_DPOP to optional or required, or unset TESSERA_DPOP_NONCE.');

  const logLevelText = (read(env, 'TESSERA_LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevelText)) {
    throw new ConfigError(`TESSERA_LOG_LEVEL="${logLevelText}" is not a level; choose one of ${LOG_LEVELS.join(', ')}.`);
  }

  const trustText = read(env, 'TESSERA_TRUST_PROXY');
  if (trustText !== undefined && (!/^\d+$/.test(trustText) || Number(trustText) < 1 || Number(trustText) > 20)) {
    throw new ConfigError(`TESSERA_TRUST_PROXY="${trustText}" must be the number of proxies in front (1 to 20).`);
  }

  const demoText = (read(env, 'TESSERA_DEMO') ?? (production ? 'off' : 'on')).toLowerCase();
  if (demoText !== 'on' && demoText !== 'off') throw new ConfigError(`TESSERA_DEMO="${demoText}" must be on or off.`);

  const demoNumberText = read(env, 'TESSERA_DEMO_NUMBER_URL');
  const demoNumberUrl = demoNumberText === undefined ? null : parseUrl('TESSERA_DEMO_NUMBER_URL', demoNumberText, ['http:', 'https:']).href;

  const accessTtlSeconds = positiveDuration(env, 'TESSERA_ACCESS_TTL', '15m');
  const refreshTtlSeconds = positiveDuration(env, 'TESSERA_REFRESH_TTL', '14d');
  if (accessTtlSeconds >= refreshTtlSeconds) {
    throw new ConfigError('TESSERA_ACCESS_TTL must be shorter than TESSERA_REFRESH_TTL, or refresh tokens would die before the access tokens they renew.');
  }
  const sessionMaxAgeSeconds = positiveDuration(env, 'TESSERA_SESSION_MAX_AGE', '30d');
  const keyRotationSeconds = keyRotation(env, accessTtlSeconds, algText);

  const mail = readMailConfig(env, production, (message) => {
    throw new ConfigError(message);
  }, productionNeeds);

  const webauthn = readWebAuthnConfig(env);
  const webauthnProblem = webAuthnConfigProblem(webauthn, issuer);
  if (webauthnProblem !== null) throw new ConfigError(webauthnProblem);

  if (productionNeeds.length === 1) throw new ConfigError(productionNeeds[0]);
  if (productionNeeds.length > 1) {
    throw new ConfigError(`NODE_ENV=production needs ${productionNeeds.length} settings fixed:\n${productionNeeds.map((need) => `- ${need}`).join('\n')}`);
  }

  return {
    port,
    host,
    databaseUrl: database.url,
    redisUrl: redisText ?? null,
    redisPrefix: read(env, 'TESSERA_REDIS_PREFIX') ?? 'tessera:',
    dataDir,
    issuer,
    issuerConfigured: read(env, 'TESSERA_ISSUER') !== undefined,
    audience,
    accessTtlSeconds,
    refreshTtlSeconds,
    sessionMaxAgeSeconds: Math.max(sessionMaxAgeSeconds, refreshTtlSeconds),
    keyRotationSeconds,
    refreshGraceSeconds: duration(env, 'TESSERA_REFRESH_GRACE', '10s', 300),
    clockToleranceSeconds: duration(env, 'TESSERA_CLOCK_TOLERANCE', '5s', 60),
    signingAlg: algText as SigningAlg,
    signingKey: read(env, 'TESSERA_SIGNING_KEY') ?? null,
    secret,
    corsOrigins: (read(env, 'TESSERA_CORS_ORIGINS') ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '').map((o) => origin('TESSERA_CORS_ORIGINS', o)),
    rateLimit: rateLimitText === 'on',
    dpop: dpopText as DpopMode,
    dpopNonce: dpopNonceText === 'on',
    trustProxy: trustText === undefined ? null : Number(trustText),
    production,
    logLevel: logLevelText as LogLevel,
    demo: demoText === 'on',
    demoNumberUrl,
    metrics: metricsConfig(env, port),
    webauthn,
    mail,
  };
}
