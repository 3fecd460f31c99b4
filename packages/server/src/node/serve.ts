import type { AddressInfo } from 'node:net';
import { createAdaptorServer, type Http2Bindings, type HttpBindings } from '@hono/node-server';
import { TesseraError } from '@tessera/core';
import type { Auth, AuthEventListener } from '@tessera/core';
import type { Hono } from 'hono';
import { createApp } from '../app.js';
import { createAuditLog } from '../audit/audit-log.js';
import type { ServerConfig } from '../config.js';
import { errorResponse } from '../http/errors.js';
import type { AuthVariables } from '../http/require-auth.js';
import type { ResourceAccess } from '../http/resource-access.js';
import { securityHeaders } from '../http/security-headers.js';
import { createMetrics } from '../metrics/create-metrics.js';
import { METRICS_PATH, metricsEndpoint } from '../metrics/metrics-endpoint.js';
import { startMetricsListener, type MetricsListener } from './metrics-listener.js';
import { pagesHandler } from './pages.js';
import { openRuntime, type Runtime } from './runtime.js';

export interface RunningServer {
  url: string;
  /** The scrape address when metrics have a listener of their own (TESSERA_METRICS_PORT). */
  metricsUrl?: string;
  runtime: Runtime;
  close(): Promise<void>;
}

const REVOCATION_POLL_MS = 2_000;
const KEY_RELOAD_MS = 30_000;
const HOUSEKEEPING_MS = 60 * 60_000;
/** How often an instance asks whether the signing key is due to rotate (at most; sooner for short schedules). */
const KEY_ROTATION_CHECK_MS = 60_000;


export interface StartServerOptions {
  log?: (line: string) => void;
  /** The demo's built pages, served with TESSERA_DEMO=on. */
  pagesDir?: string;
  /** The demo's API (`demoApi` of @tessera/demo-api), mounted under `/api` with TESSERA_DEMO=on. */
  demoApi?: (auth: Auth, access: ResourceAccess) => Hono<{ Variables: AuthVariables }>;
  /** Receives the audit events; by default each is one JSON line on standard output (pino, TESSERA_LOG_LEVEL). */
  onEvent?: AuthEventListener;
  /**
   * The auth core's clock in milliseconds (token `iat`/`exp` and their checks, session lifetimes), `Date.now` by
   * default: tests move it to expire tokens instead of sleeping. Background timers keep real time.
   */
  now?: () => number;
}

/** The headers of `securityHeaders()`, set on Node's response before the app runs; the app's own win on a clash. */
function applySecurityHeaders(env: HttpBindings | Http2Bindings, config: ServerConfig): void {
  const url = env.incoming.url ?? '/';
  const query = url.indexOf('?');
  const forwardedProto = config.trustProxy === null ? undefined : env.incoming.headers['x-forwarded-proto'];
  const secure = config.production || (typeof forwardedProto === 'string' && forwardedProto.split(',')[0]?.trim() === 'https');
  for (const [name, value] of securityHeaders(query < 0 ? url : url.slice(0, query), secure)) env.outgoing.setHeader(name, value);
}

function isMetricsPath(url: string | undefined): boolean {
  return url === METRICS_PATH || url?.startsWith(`${METRICS_PATH}?`) === true;
}

/**
 * Starts the auth server on Node. The port is bound first, so that with PORT=0 and no TESSERA_ISSUER the
 * issuer written into tokens is the address actually served; requests that arrive before the runtime is open
 * get a 503 rather than a half-built server.
 */
export async function startServer(config: ServerConfig, options: StartServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  const onEvent = options.onEvent ?? createAuditLog({ level: config.logLevel });
  const metrics = config.metrics === null ? undefined : createMetrics();
  const scrape = metrics && config.metrics ? metricsEndpoint(metrics.registry, config.metrics.token) : undefined;
  // Token mode without a port of its own: GET /metrics on the public port, for the token's holder only.
  const scrapeOnMainPort = config.metrics?.port === null ? scrape : undefined;
  let handle: ((request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>) | undefined;
  const server = createAdaptorServer({
    fetch: (request: Request, env: HttpBindings | Http2Bindings) => {
      applySecurityHeaders(env, config);
      if (scrapeOnMainPort && request.method === 'GET' && isMetricsPath(env.incoming.url)) return scrapeOnMainPort(env.incoming.headers.authorization);
      return handle ? handle(request, env) : errorResponse(new TesseraError('unavailable', 'The server is still starting.'));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' || config.host === '127.0.0.1' ? 'localhost' : config.host;
  const url = `http://${host}:${address.port}`;
  const effective: ServerConfig = config.issuerConfigured ? config : { ...config, issuer: url };

  let runtime: Runtime;
  try {
    runtime = await openRuntime(effective, { onEvent, log, ...(options.now ? { now: options.now } : {}), ...(metrics ? { observeStore: metrics.observeStore } : {}) });
  } catch (error) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw error;
  }
  const { auth, keys, stores } = runtime;
  let metricsListener: MetricsListener | undefined;
  if (metrics) {
    auth.onEvent(metrics.onEvent);
    metrics.readCacheStatsFrom(auth.verifyAccessToken.cacheStats);
    if (config.metrics?.port != null && scrape) {
      try {
        metricsListener = await startMetricsListener(config.metrics.port, config.metrics.host, scrape);
      } catch (error) {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await runtime.close();
        throw error;
      }
      log(`[tessera] metrics on ${metricsListener.url}`);
    }
  }
  const pages = options.pagesDir === undefined || !effective.demo ? undefined : pagesHandler(options.pagesDir, { numberUrl: effective.demoNumberUrl });
  const app = createApp({
    auth,
    keys,
    config: effective,
    socketAddress: (c) => (c.env as HttpBindings | undefined)?.incoming?.socket.remoteAddress,
    hostSetsSecurityHeaders: true,
    verifyDpopProof: runtime.verifyDpopProof,
    dpopNonces: runtime.dpopNonces,
    checkStores: runtime.checkStores,
    // Failed requests: one line each with its request id (stack traces only for internal errors, rate limited).
    logError: options.log ?? ((text) => console.error(text)),
    ...(pages ? { pages } : {}),
    ...(options.demoApi && effective.demo ? { demoApi: (access: ResourceAccess) => options.demoApi!(auth, access) } : {}),
    ...(metrics ? { observeRequest: metrics.observeRequest } : {}),
    outbox: runtime.mail.outbox,
  });
  // Where development mail goes: the outbox's address, never a message (they carry one-time tokens).
  if (runtime.mail.outbox && !effective.production) log(`[tessera] mail: TESSERA_SMTP_URL is unset, so mail is kept in the development outbox at ${url}/dev/outbox (shown in the demo)`);
  handle = (request, env) => app.fetch(request, env);

  // Revocations made by another process on the same store (the CLI, another instance) reach this one's
  // deny set within a couple of seconds; with Redis the feed (subscribed by openRuntime) makes it immediate
  // and replaces the poll.
  let lastPoll = Date.now();
  const background = (what: string, task: () => Promise<unknown>) => () => {
    task().catch((error: unknown) => log(`[tessera] ${what} failed: ${error instanceof Error ? error.message : String(error)}`));
  };
  const timers = [
    ...(effective.redisUrl !== null ? [] : [setInterval(background('revocation poll', async () => {
      const since = lastPoll - REVOCATION_POLL_MS;
      lastPoll = Date.now();
      const revoked = await stores.sessions.listRevokedSince(new Date(since));
      for (const session of revoked) auth.markRevoked([session.id], session.revokedAt.getTime());
    }), REVOCATION_POLL_MS)]),
    setInterval(background('key reload', () => keys.reload()), KEY_RELOAD_MS),
    setInterval(background('housekeeping', async () => {
      await stores.sessions.deleteExpiredSessions(new Date());
      // A retired key is useless once every token it signed has expired; keep a day's margin for `keys list`.
      await stores.keys.deleteRetiredKeys(new Date(Date.now() - effective.accessTtlSeconds * 1000 - 86_400_000));
      // Second-factor challenges nobody answered (verify already refuses them once expired).
      await stores.twoFactor.deleteExpiredTwoFactorChallenges(new Date());
      // Passkey challenges nobody answered: consuming one already refuses it once expired; this only frees the rows.
      await stores.passkeys.deleteExpiredPasskeyChallenges(new Date());
    }), HOUSEKEEPING_MS),
  ];
  if (effective.keyRotationSeconds !== null) {
    // Every instance checks; the key store's compare-and-swap lets exactly one of them rotate each time.
    const everyMs = effective.keyRotationSeconds * 1000;
    const rotateIfDue = async () => {
      const previousKid = keys.signingKey().kid;
      const key = await keys.rotateIfDue(everyMs);
      if (key === undefined) return;
      auth.record({ type: 'key_rotated', kid: key.kid, previousKid, scheduled: true });
      await runtime.announceKeyRotation?.(key.kid);
    };
    timers.push(setInterval(background('scheduled key rotation', rotateIfDue), Math.max(1_000, Math.min(KEY_ROTATION_CHECK_MS, everyMs / 10))));
  }
  for (const timer of timers) timer.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    ...(metricsListener ? { metricsUrl: metricsListener.url } : {}),
    runtime,
    close: () => {
      closing ??= (async () => {
        for (const timer of timers) clearInterval(timer);
        await metricsListener?.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          // Idle keep-alive connections would hold the close open; in-flight requests still finish.
          (server as { closeIdleConnections?: () => void }).closeIdleConnections?.();
        });
        await runtime.close();
      })();
      return closing;
    },
  };
}
