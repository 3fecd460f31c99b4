import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { fromNodeHeaders, toNodeHandler } from 'better-auth/node';
import Database from 'better-sqlite3';

/**
 * The peer a user would pick instead of Tessera, set up as its documentation says: better-auth on SQLite
 * (a better-sqlite3 database handed over directly), email and password sign-in, its handler mounted on
 * `/api/auth/*` with `toNodeHandler`, and a protected route that does what its Node/Express guide does:
 * `auth.api.getSession({ headers: fromNodeHeaders(req.headers) })`, 401 without a session.
 *
 * `session: 'database'` is better-auth's default (every check reads the session row); `session: 'cookie-cache'`
 * turns on its signed session-data cookie, so a check reads no database while the cookie is fresh: the closer
 * match to a Tessera access token, which is checked without a store.
 */
export type PeerSession = 'database' | 'cookie-cache';

export interface PeerApp {
  url: string;
  close(): Promise<void>;
}

/** The protected route's path: the same as Tessera's guarded demo route, with the same kind of body. */
export const PEER_PROTECTED_PATH = '/api/number';

export async function startPeerApp(options: { session: PeerSession; secret: string }): Promise<PeerApp> {
  const database = new Database(':memory:');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const authOptions = {
    database,
    baseURL: url,
    secret: options.secret,
    emailAndPassword: { enabled: true },
    // Off, as TESSERA_RATE_LIMIT=off is for Tessera: the bench measures the work, not the limiter.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    session: options.session === 'cookie-cache' ? { cookieCache: { enabled: true, maxAge: 15 * 60 } } : {},
  } satisfies BetterAuthOptions;
  const { runMigrations } = await getMigrations(authOptions);
  await runMigrations();
  const auth = betterAuth(authOptions);
  const handleAuth = toNodeHandler(auth);

  const protectedRoute = async (req: IncomingMessage, res: ServerResponse) => {
    const session = await auth.api.getSession({ headers: fromNodeHeaders(req.headers) });
    if (!session) {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'unauthorized' }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ number: 1 + Math.floor(Math.random() * 10) }));
  };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const route = req.url?.startsWith('/api/auth/') ? handleAuth(req, res) : req.method === 'GET' && req.url === PEER_PROTECTED_PATH ? protectedRoute(req, res) : undefined;
    if (route === undefined) {
      res.writeHead(404).end();
      return;
    }
    route.catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  return {
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      database.close();
    },
  };
}
