import { CSRF_HEADER } from '@tessera/wire';
import { randomBytes } from 'node:crypto';
import { toTesseraError } from '@tessera/core/http';
import { createDpopProofVerifier, createMemoryReplayCache, TesseraError, type Auth, type AuthEventListener, type ClientInfo, type VerifyDpopProof } from '@tessera/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { ServerConfig } from './config.js';
import { graphqlRoutes } from './graphql/routes.js';
import { isSecureRequest, type CookiePolicy } from './http/cookies.js';
import { createErrorLog } from './http/error-log.js';
import { errorResponse } from './http/errors.js';
import { authorizationOf, readCredentialHeaders } from './http/credential-headers.js';
import type { AuthVariables } from './http/require-auth.js';
import { clientIp } from './http/origin.js';
import { createResourceAccess, dpopHeaderOf, type ResourceAccess } from './http/resource-access.js';
import { pagesContentSecurityPolicy, securityHeaders } from './http/security-headers.js';
import { createSessionTransport } from './http/session-transport.js';
import { createOpenApiDocument } from './openapi/document.js';
import { adminRoutes } from './routes/admin.js';
import { httpMetrics, type RequestObserver } from './metrics/http-metrics.js';
import { createPasskeys } from '@tessera/core/passkeys';
import { passkeySettingsFor } from './passkey-config.js';
import { passkeyRoutes } from './routes/passkeys.js';
import { twoFactorRoutes } from './routes/two-factor.js';
import { authRoutes } from './routes/auth.js';
import { wellKnownRoutes } from './routes/well-known.js';
import { accountMailRoutes, devOutboxRoutes } from './routes/account-mail.js';
import type { DevOutbox } from './mail/mailer.js';

export type ClientInfoReader = (c: Context) => ClientInfo;

export interface AppOptions {
  auth: Auth;
  keys: { jwks(): { keys: readonly object[] } };
  config: Pick<ServerConfig, 'issuer' | 'signingAlg' | 'corsOrigins' | 'trustProxy' | 'production'> & Partial<Pick<ServerConfig, 'demoNumberUrl' | 'webauthn' | 'dpop'>>;
  /**
   * Checks DPoP proofs (the runtime's `verifyDpopProof`: its clock, and the Redis replay cache when configured).
   * Default: a verifier with an in-memory replay cache, which holds for this process only.
   */
  verifyDpopProof?: VerifyDpopProof;
  /** The peer address of the connection (the Node entry passes it; a bare fetch handler has none). */
  socketAddress?: (c: Context) => string | undefined;
  /**
   * The demo's protected resources (`demoApi(auth)` of @tessera/demo-api), mounted under `/api` with the app's CORS,
   * credential headers and error rendering, and described in /openapi.json. The Node entry passes it with
   * TESSERA_DEMO=on; without it there is no `/api`.
   */
  demoApi?: (access: ResourceAccess) => Hono<{ Variables: AuthVariables }>;
  /** Serves the demo's pages (the Node entry passes a static-file handler); runs after every API route. */
  pages?: MiddlewareHandler;
  /**
   * Also receives the auth core's audit events (added to `auth`'s listeners; the runtime's `onEvent` option is the
   * other way in). Give a listener to one of the two, or it hears every event twice.
   */
  onEvent?: AuthEventListener;
  /**
   * The host writes `securityHeaders()` itself (the Node entry sets them on the socket response, which is much
   * cheaper than editing every Web Response); any other host leaves this off and the app sets them.
   */
  hostSetsSecurityHeaders?: boolean;
  /** Which backing stores answer now, for `GET /readyz`; without it the app has nothing to check and is ready. */
  checkStores?: () => Promise<Partial<Record<string, boolean | undefined>>>;
  /**
   * Where failed requests (500, 503) are reported: one line each, plus, for an internal error, its stack at
   * most once a minute (see http/error-log.ts). Never given tokens, passwords, keys or SQL parameters.
   * Standard error by default.
   */
  logError?: (text: string) => void;
  /** Told every request's method, route template, status and duration (metrics); nothing is timed without it. */
  observeRequest?: RequestObserver;
  /** The development outbox (no SMTP, not production): served at GET /dev/outbox for the demo and developers. */
  outbox?: DevOutbox | null;
}

/**
 * The whole HTTP surface as a Web-standard fetch handler (`app.fetch`), mountable in any framework that speaks
 * Request/Response. Routes are thin: the rules live in @tessera/core.
 */
export function createApp(options: AppOptions): Hono {
  const { auth, config } = options;
  const allowedOrigins = new Set([new URL(config.issuer).origin, ...config.corsOrigins]);
  const cookies: CookiePolicy = { alwaysSecure: config.production, trustProxy: config.trustProxy !== null };
  const dpopMode = config.dpop ?? 'optional';
  const access = createResourceAccess(auth, options.verifyDpopProof ?? createDpopProofVerifier({ replayCache: createMemoryReplayCache() }), config.issuer);
  // The key thumbprint of each token request's verified proof, for the session it starts or refreshes.
  const proofKeys = new WeakMap<Request, string>();
  const clientInfo: ClientInfoReader = (c) => ({
    userAgent: c.req.header('user-agent') ?? null,
    ip: clientIp(c, config.trustProxy, options.socketAddress?.(c)),
    dpopJkt: proofKeys.get(c.req.raw) ?? null,
  });
  /**
   * Signup, login and refresh with a `DPoP` header: the proof is checked (this method, this URL, fresh, never seen)
   * before the route runs, and its key is what the session is bound to or must already be bound to. Without the
   * header the core decides (a bearer session, or a refusal under TESSERA_DPOP=required or for a bound session).
   */
  const proofAtTokenEndpoint: MiddlewareHandler = async (c, next) => {
    const header = dpopMode === 'off' ? undefined : dpopHeaderOf(c);
    if (header !== undefined) proofKeys.set(c.req.raw, (await access.verifyProof(header, { method: c.req.method, url: access.urls(c) })).jkt);
    await next();
  };
  const reportError = createErrorLog({ write: options.logError ?? ((text) => console.error(text)) });

  if (options.onEvent) auth.onEvent(options.onEvent);

  const app = new Hono();
  // First, so that the time covers every other middleware too.
  if (options.observeRequest) app.use('*', httpMetrics(options.observeRequest));
  if (!options.hostSetsSecurityHeaders) {
    app.use('*', async (c, next) => {
      await next();
      for (const [name, value] of securityHeaders(c.req.path, isSecureRequest(c, cookies))) c.res.headers.set(name, value);
    });
  }
  app.use('*', readCredentialHeaders());
  // Credentials are only ever shared with exactly listed origins; any other origin gets no CORS headers at all.
  const listed = new Set(config.corsOrigins);
  const corsMiddleware = cors({
    origin: (origin) => (listed.has(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', CSRF_HEADER, 'DPoP'],
    exposeHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id'],
    maxAge: 600,
  });
  const corsForListedOrigins: MiddlewareHandler = (c, next) => (listed.has(c.req.header('origin') ?? '') ? corsMiddleware(c, next) : next());
  if (listed.size > 0) {
    // Same-origin only (the default) needs no CORS middleware at all: nothing to grant, nothing to check.
    app.use('/auth/*', corsForListedOrigins);
    app.use('/api/*', corsForListedOrigins);
    app.use('/graphql', corsForListedOrigins);
  }

  const sessions = createSessionTransport({ auth, cookies, allowedOrigins, clientInfo });
  const graphql = graphqlRoutes({ auth, sessions, clientInfo, access, production: config.production, logError: reportError });
  for (const path of ['/auth/signup', '/auth/login', '/auth/refresh']) app.post(path, proofAtTokenEndpoint);
  // GraphQL's signUp, logIn and refresh come without an access token; with one, the proof is the token's (its
  // `ath`), checked by the resource authorizer instead, and must not be spent here first.
  const proofAtGraphql: MiddlewareHandler = (c, next) => (authorizationOf(c) === undefined ? proofAtTokenEndpoint(c, next) : next());
  for (const path of ['/graphql', '/auth/graphql']) app.post(path, proofAtGraphql);
  // Passkeys: with WebAuthn settings (from the configuration) and stores that keep passkeys; before /auth, so
  // that its routes do not shadow these.
  const passkeySettings = config.webauthn ? passkeySettingsFor(config.webauthn, config.issuer) : null;
  if (passkeySettings !== null && auth.context.stores.passkeys !== undefined) {
    const passkeys = createPasskeys(auth.context, passkeySettings);
    app.route('/auth/passkeys', passkeyRoutes({ auth, passkeys, sessions, clientInfo, access }));
  }
  // Also under /auth: browsers send the refresh cookie (Path=/auth) only there, which the cookie transport of the
  // `refresh` and `logOut` mutations needs.
  app.route('/auth/graphql', graphql);
  // Email verification, password reset and email change (routes/account-mail.ts).
  app.route('/auth', accountMailRoutes({ auth, clientInfo, access }));
  app.route('/auth/two-factor', twoFactorRoutes({ auth, sessions, clientInfo, access }));
  app.route('/auth', authRoutes({ auth, sessions, clientInfo, access }));
  if (options.outbox && !config.production) app.route('/dev', devOutboxRoutes(options.outbox));
  app.route('/graphql', graphql);
  if (options.demoApi) app.route('/api', options.demoApi(access));
  app.route('/admin', adminRoutes({ auth, clientInfo, access }));
  app.route('/.well-known', wellKnownRoutes({ issuer: config.issuer, jwks: () => options.keys.jwks(), dpop: dpopMode !== 'off' }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  // Built once: the document depends only on the route table and the issuer.
  const openApi = JSON.stringify(createOpenApiDocument({ issuer: config.issuer, demo: options.demoApi !== undefined }));
  app.get('/openapi.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.body(openApi, 200, { 'content-type': 'application/json; charset=utf-8' });
  });
  // Readiness, unlike liveness, depends on the stores: a load balancer stops sending logins to an instance whose
  // database or Redis is gone, while /healthz keeps it from being restarted for a fault a restart cannot fix.
  app.get('/readyz', async (c) => {
    const status = (await options.checkStores?.()) ?? {};
    const stores: Record<string, 'ok' | 'unreachable'> = {};
    for (const [name, up] of Object.entries(status)) if (up !== undefined) stores[name] = up ? 'ok' : 'unreachable';
    const down = Object.keys(stores).filter((name) => stores[name] === 'unreachable');
    const response = down.length > 0
      ? errorResponse(new TesseraError('unavailable', `Not ready: the ${down.join(' and the ')} cannot be reached.`))
      : c.json({ status: 'ready', stores });
    response.headers.set('cache-control', 'no-store');
    return response;
  });
  if (options.pages) {
    const pages = options.pages;
    const csp = pagesContentSecurityPolicy({ numberUrl: config.demoNumberUrl ?? null });
    app.use('*', async (c, next) => {
      const response = await pages(c, next);
      if (response instanceof Response) c.res = response;
      c.res.headers.set('content-security-policy', csp);
    });
  }

  app.notFound(() => errorResponse(new TesseraError('not_found', 'There is nothing at this address.')));
  app.onError((error) => {
    const tessera = toTesseraError(error);
    const response = errorResponse(tessera);
    if (tessera.code === 'internal_error' || tessera.code === 'unavailable') {
      // The id ties the client's report ("I got a 503 with this id") to the one log line about it.
      const requestId = randomBytes(8).toString('hex');
      reportError(tessera, requestId);
      response.headers.set('x-request-id', requestId);
    }
    return response;
  });
  return app;
}
