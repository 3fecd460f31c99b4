import { TesseraError, type Auth, type AuthEventListener, type ClientInfo } from '@tessera/core';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { ServerConfig } from './config.js';
import { isSecureRequest, type CookiePolicy } from './http/cookies.js';
import { errorResponse, toTesseraError } from './http/errors.js';
import { limitCredentialHeaders } from './http/header-limits.js';
import { clientIp } from './http/origin.js';
import { securityHeaders } from './http/security-headers.js';
import { authRoutes } from './routes/auth.js';
import { demoApiRoutes } from './routes/demo-api.js';
import { wellKnownRoutes } from './routes/well-known.js';

export type ClientInfoReader = (c: Context) => ClientInfo;

export interface AppOptions {
  auth: Auth;
  keys: { jwks(): { keys: readonly object[] } };
  config: Pick<ServerConfig, 'issuer' | 'signingAlg' | 'corsOrigins' | 'trustProxy' | 'production'>;
  /** The peer address of the connection (the Node entry passes it; a bare fetch handler has none). */
  socketAddress?: (c: Context) => string | undefined;
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
  /** Where internal errors are reported; never given tokens, passwords or keys. */
  logError?: (message: string, error: unknown) => void;
}

/**
 * The whole HTTP surface as a Web-standard fetch handler (`app.fetch`), mountable in any framework that speaks
 * Request/Response. Routes are thin: the rules live in @tessera/core.
 */
export function createApp(options: AppOptions): Hono {
  const { auth, config } = options;
  const allowedOrigins = new Set([new URL(config.issuer).origin, ...config.corsOrigins]);
  const cookies: CookiePolicy = { alwaysSecure: config.production, trustProxy: config.trustProxy !== null };
  const clientInfo: ClientInfoReader = (c) => ({
    userAgent: c.req.header('user-agent') ?? null,
    ip: clientIp(c, config.trustProxy, options.socketAddress?.(c)),
  });
  const logError = options.logError ?? ((message, error) => console.error(`[tessera] ${message}`, error));

  if (options.onEvent) auth.onEvent(options.onEvent);

  const app = new Hono();
  if (!options.hostSetsSecurityHeaders) {
    app.use('*', async (c, next) => {
      await next();
      for (const [name, value] of securityHeaders(c.req.path, isSecureRequest(c, cookies))) c.res.headers.set(name, value);
    });
  }
  app.use('*', limitCredentialHeaders());
  // Credentials are only ever shared with exactly listed origins; any other origin gets no CORS headers at all.
  const listed = new Set(config.corsOrigins);
  const corsMiddleware = cors({
    origin: (origin) => (listed.has(origin) ? origin : null),
    credentials: true,
    allowMethods: ['GET', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Content-Type', 'Authorization', 'X-CSRF-Token'],
    exposeHeaders: ['WWW-Authenticate', 'Retry-After'],
    maxAge: 600,
  });
  const corsForListedOrigins: MiddlewareHandler = (c, next) => (listed.has(c.req.header('origin') ?? '') ? corsMiddleware(c, next) : next());
  if (listed.size > 0) {
    // Same-origin only (the default) needs no CORS middleware at all: nothing to grant, nothing to check.
    app.use('/auth/*', corsForListedOrigins);
    app.use('/api/*', corsForListedOrigins);
  }

  app.route('/auth', authRoutes({ auth, cookies, allowedOrigins, clientInfo }));
  app.route('/api', demoApiRoutes(auth));
  app.route('/.well-known', wellKnownRoutes({ issuer: config.issuer, jwks: () => options.keys.jwks() }));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  if (options.pages) {
    const pages = options.pages;
    app.use('*', async (c, next) => {
      const response = await pages(c, next);
      if (response instanceof Response) c.res = response;
      // The pages load only their own scripts and talk only to this origin; nothing may frame them.
      c.res.headers.set('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    });
  }

  app.notFound(() => errorResponse(new TesseraError('not_found', 'There is nothing at this address.')));
  app.onError((error) => {
    const tessera = toTesseraError(error);
    if (tessera.code === 'internal_error' || tessera.code === 'unavailable') logError(tessera.code, tessera.cause ?? error);
    return errorResponse(tessera);
  });
  return app;
}
