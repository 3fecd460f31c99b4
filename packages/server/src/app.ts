import { CSRF_HEADER } from '@tessera/wire';
import { randomBytes } from 'node:crypto';
import { toTesseraError } from '@tessera/core/http';
import { challengeContextFor, createDpopProofVerifier, createMemoryReplayCache, TesseraError, type Auth, type AuthEventListener, type ClientInfo, type DpopNonces, type VerifyDpopProof } from '@tessera/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { ServerConfig } from './config.js';
import { mediaTypeFor, requestErrorResponse } from './graphql/errors.js';
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
  /**
   * Server nonces (RFC 9449 §8, TESSERA_DPOP_NONCE=on: the runtime's `dpopNonces`). Every response to a request
   * that carried a `DPoP` header then carries `DPoP-Nonce` with the current one. Give the verifier the same
   * nonces, or clients are handed nonces nobody asks for; the default verifier takes them.
   */
  dpopNonces?: DpopNonces;
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
  const nonces = dpopMode === 'off' ? undefined : options.dpopNonces;
  const verifyProof = options.verifyDpopProof ?? createDpopProofVerifier({ replayCache: createMemoryReplayCache(), ...(nonces ? { nonces } : {}) });
  const access = createResourceAccess(auth, verifyProof, config.issuer);
  // The key thumbprint of each token request's verified proof, for the session it starts or refreshes.
  const proofKeys = new WeakMap<Request, string>();
  const clientInfo: ClientInfoReader = (c) => ({
    userAgent: c.req.header('user-agent') ?? null,
    ip: clientIp(c, config.trustProxy, options.socketAddress?.(c)),
    dpopJkt: proofKeys.get(c.req.raw) ?? null,
  });
  /**
   * Every request that starts or refreshes a session (signup, login, the second-factor step, a passkey sign-in,
   * refresh) with a `DPoP` header: the proof is checked (this method, this URL, fresh, never seen, the server
   * nonce when asked for) before the route runs, and its key is what the session is bound to or must already be
   * bound to. Without the header the core decides (a bearer session, or a refusal under TESSERA_DPOP=required or
   * for a bound session). A refused proof never reaches the core: a refresh answered `use_dpop_nonce` is not
   * taken for a stolen token, and a login so answered spends no challenge and counts no password.
   */
  const checkTokenEndpointProof = async (c: Context): Promise<void> => {
    const header = dpopMode === 'off' ? undefined : dpopHeaderOf(c);
    if (header !== undefined) proofKeys.set(c.req.raw, (await access.verifyProof(header, { method: c.req.method, url: access.urls(c) })).jkt);
  };
  const proofAtTokenEndpoint: MiddlewareHandler = async (c, next) => {
    await checkTokenEndpointProof(c);
    await next();
  };
  const reportError = createErrorLog({ write: options.logError ?? ((text) => console.error(text)) });

  if (options.onEvent) auth.onEvent(options.onEvent);

  const app = new Hono();
  // First, so that the time covers every other middleware too.
  if (options.observeRequest) app.use('*', httpMetrics(options.observeRequest));
  if (nonces) {
    // RFC 9449 §8: the nonce goes out on every answer to a DPoP client, successes and refusals alike, so a client
    // always holds a current one and a refused proof (use_dpop_nonce) is retried at once. After the route, so
    // that error answers get it too.
    app.use('*', async (c, next) => {
      await next();
      if (c.req.raw.headers.has('dpop')) c.res.headers.set(DPOP_NONCE_HEADER, nonces.current());
    });
  }
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
    // Date too: a client whose device clock is off dates its DPoP proofs by the server's clock instead.
    exposeHeaders: ['WWW-Authenticate', 'Retry-After', 'X-Request-Id', DPOP_NONCE_HEADER, 'Date'],
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
  for (const path of ['/auth/signup', '/auth/login', '/auth/refresh', '/auth/two-factor/verify']) app.post(path, proofAtTokenEndpoint);
  // GraphQL's signUp, logIn and refresh come without an access token; with one, the proof is the token's (its
  // `ath`), checked by the resource authorizer instead, and must not be spent here first. A refused proof is
  // answered as GraphQL, like every other refusal on this route.
  const proofAtGraphql: MiddlewareHandler = async (c, next) => {
    if (authorizationOf(c) === undefined) {
      try {
        await checkTokenEndpointProof(c);
      } catch (error) {
        const [body, init] = requestErrorResponse(error, mediaTypeFor(c.req.header('accept')), nonceChallenge(error));
        return new Response(body, init);
      }
    }
    await next();
  };
  for (const path of ['/graphql', '/auth/graphql']) app.post(path, proofAtGraphql);
  // Passkeys: with WebAuthn settings (from the configuration) and stores that keep passkeys; before /auth, so
  // that its routes do not shadow these.
  const passkeySettings = config.webauthn ? passkeySettingsFor(config.webauthn, config.issuer) : null;
  if (passkeySettings !== null && auth.context.stores.passkeys !== undefined) {
    const passkeys = createPasskeys(auth.context, passkeySettings);
    app.post('/auth/passkeys/login', proofAtTokenEndpoint);
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
    const response = errorResponse(tessera, nonceChallenge(tessera));
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

/** RFC 9449 §8: the response header that hands a DPoP client the server's current nonce. */
const DPOP_NONCE_HEADER = 'DPoP-Nonce';

/**
 * A proof without the server's current nonce is refused with a DPoP challenge naming `use_dpop_nonce` (RFC 9449
 * §8), wherever it was sent; protected routes add it themselves (requireAuth), token endpoints get it here.
 */
function nonceChallenge(error: unknown): ReturnType<typeof challengeContextFor> | undefined {
  return error instanceof TesseraError && error.code === 'use_dpop_nonce' ? challengeContextFor(undefined, error) : undefined;
}
