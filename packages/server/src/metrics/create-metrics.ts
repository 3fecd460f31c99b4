import { passwordWorkStats, type AuthEvent, type VerifierCacheStats } from '@tessera/core';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds; from a cached token check (well under a millisecond) to a slow argon2 login under load. */
const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const STORE_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export interface Metrics {
  /** This server's own registry (never prom-client's global one), so two servers in a process don't collide. */
  readonly registry: Registry;
  /** One finished HTTP request; `route` is the route template, never the raw path. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** One store call by store and operation name, and whether it rejected. */
  observeStore(store: string, operation: string, seconds: number, failed: boolean): void;
  /** The audit-event listener that counts logins, refreshes, reuse, stolen tokens, revocations and rate limits. */
  onEvent(event: AuthEvent): void;
  /** Where the verified-token cache counts are read from at each scrape (the running auth core's verifier). */
  readCacheStatsFrom(source: () => VerifierCacheStats): void;
}

/**
 * Builds the Prometheus instruments of one server. Labels are closed sets (route templates, event reasons, store
 * operation names): never a raw path, a user, an email or a token, so the number of series stays bounded
 * whatever clients send.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({ name: 'tessera_http_requests_total', help: 'HTTP requests answered, by method, route template and status.', labelNames: ['method', 'route', 'status'] as const, registers });
  const httpDuration = new Histogram({ name: 'tessera_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method and route template.', labelNames: ['method', 'route'] as const, buckets: HTTP_BUCKETS, registers });

  const signups = new Counter({ name: 'tessera_signups_total', help: 'Accounts created by signup.', registers });
  const logins = new Counter({ name: 'tessera_logins_total', help: 'Password logins; failed ones carry the reason (unknown_email, wrong_password, rate_limited).', labelNames: ['result', 'reason'] as const, registers });
  const lockouts = new Counter({ name: 'tessera_lockouts_total', help: 'Accounts that reached their failed-password limit.', registers });
  const refreshes = new Counter({ name: 'tessera_refreshes_total', help: 'Successful refreshes: kind="rotation" issued a new refresh token, kind="grace" answered a concurrent refresh within the grace window.', labelNames: ['kind'] as const, registers });
  const refreshFailures = new Counter({ name: 'tessera_refresh_failures_total', help: 'Refreshes refused other than for reuse, by reason (invalid_token, session_ended, account_deleted).', labelNames: ['reason'] as const, registers });
  const reuse = new Counter({ name: 'tessera_refresh_reuse_detections_total', help: 'Rotated refresh tokens presented after the grace window; each revoked its session.', registers });
  const stolen = new Counter({ name: 'tessera_stolen_token_detections_total', help: 'Refreshes of DPoP-bound sessions without a proof by their key (proof="missing") or with another key\'s (proof="other_key"): a copied refresh token; each revoked its session.', labelNames: ['proof'] as const, registers });
  const revocations = new Counter({ name: 'tessera_session_revocations_total', help: 'Sessions revoked, by reason (logout, logout_all, deleted, admin, password_changed, reuse, stolen_token).', labelNames: ['reason'] as const, registers });
  const rateLimited = new Counter({ name: 'tessera_rate_limited_total', help: 'Requests refused by a rate limit, by action (login, signup, refresh, password_change).', labelNames: ['action'] as const, registers });

  const storeDuration = new Histogram({ name: 'tessera_store_operation_duration_seconds', help: 'Time of each store call, by store and operation.', labelNames: ['store', 'operation'] as const, buckets: STORE_BUCKETS, registers });
  const storeErrors = new Counter({ name: 'tessera_store_errors_total', help: 'Store calls that failed, by store and operation.', labelNames: ['store', 'operation'] as const, registers });

  // Read at scrape time from the verifier's own integers: nothing is added to the verification hot path.
  let cacheStats: () => VerifierCacheStats = () => ({ hits: 0, misses: 0 });
  new Counter({ name: 'tessera_verify_cache_hits_total', help: 'Access-token verifications answered from the verified-token cache.', registers, collect() {
    this.reset();
    this.inc(cacheStats().hits);
  } });
  new Counter({ name: 'tessera_verify_cache_misses_total', help: 'Access-token verifications that went through full signature and claim checks.', registers, collect() {
    this.reset();
    this.inc(cacheStats().misses);
  } });

  // The password-hashing queue is per process (one libuv pool), so every server in the process reports the same.
  new Gauge({ name: 'tessera_password_work_running', help: 'Password hashes running now.', registers, collect() {
    this.set(passwordWorkStats().running);
  } });
  new Gauge({ name: 'tessera_password_work_waiting', help: 'Password hashes waiting for a turn now.', registers, collect() {
    this.set(passwordWorkStats().waiting);
  } });
  new Counter({ name: 'tessera_password_work_refused_total', help: 'Logins answered 503 because the password-hashing queue was full.', registers, collect() {
    this.reset();
    this.inc(passwordWorkStats().refused);
  } });
  new Counter({ name: 'tessera_password_work_waited_seconds_total', help: 'Total time password hashes spent waiting for a turn.', registers, collect() {
    this.reset();
    this.inc(passwordWorkStats().waitedMs / 1000);
  } });

  // prom-client hashes a label object on every call; the bound children are looked up once per label set instead
  // (a bounded map: methods, route templates and statuses are closed sets).
  const requestSeries = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<string> }>();

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${status} ${route}`;
      let series = requestSeries.get(key);
      if (series === undefined) {
        series = { count: httpRequests.labels(method, route, String(status)), duration: httpDuration.labels(method, route) };
        requestSeries.set(key, series);
      }
      series.count.inc();
      series.duration.observe(seconds);
    },
    observeStore(store, operation, seconds, failed) {
      storeDuration.observe({ store, operation }, seconds);
      if (failed) storeErrors.inc({ store, operation });
    },
    onEvent(event) {
      switch (event.type) {
        case 'signup':
          signups.inc();
          return;
        case 'login_succeeded':
          logins.inc({ result: 'succeeded' });
          return;
        case 'login_failed':
          logins.inc({ result: 'failed', reason: event.reason });
          if (event.reason === 'rate_limited') rateLimited.inc({ action: 'login' });
          return;
        case 'lockout':
          lockouts.inc();
          return;
        case 'refresh':
          refreshes.inc({ kind: event.grace ? 'grace' : 'rotation' });
          return;
        case 'refresh_failed':
          refreshFailures.inc({ reason: event.reason });
          return;
        case 'reuse_detected':
          reuse.inc();
          revocations.inc({ reason: 'reuse' });
          return;
        case 'stolen_token_detected':
          stolen.inc({ proof: event.proof });
          revocations.inc({ reason: 'stolen_token' });
          return;
        case 'logout':
          revocations.inc({ reason: 'logout' });
          return;
        case 'logout_all':
          revocations.inc({ reason: 'logout_all' }, event.sessionsRevoked);
          return;
        case 'session_revoked':
          revocations.inc({ reason: event.reason });
          return;
        case 'password_changed':
          revocations.inc({ reason: 'password_changed' }, event.sessionsRevoked);
          return;
        case 'rate_limited':
          rateLimited.inc({ action: event.action });
          return;
        default:
          return;
      }
    },
    readCacheStatsFrom(source) {
      cacheStats = source;
    },
  };
}
