// Test-only: a real Tessera auth server (its fetch handler, on a clock the test moves) and the same small
// server-rendered app on Koa and on Express, listening on real sockets, using cookie sessions.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bodyParser } from '@koa/bodyparser';
import type { AuthEvent } from '@tessera/core/auth';
import { createApp, loadConfig, openRuntime, type Runtime } from '@tessera/server';
import { createFixedClock, TEST_SECRET, type FixedClock } from '@tessera/testing';
import express from 'express';
import Koa from 'koa';
import { createCookieSessions, type CookieSessionOptions, type CookieSessions } from '../src/cookie-session.js';
import * as expressSessions from '../src/express.js';
import * as koaSessions from '../src/koa.js';

export const SECRET = TEST_SECRET;
export const PASSWORD = 'correct horse battery';
export const ACCESS_TTL_SECONDS = 60;
export const REFRESH_TTL_SECONDS = 600;

export interface AuthServer {
  runtime: Runtime;
  clock: FixedClock;
  /** The in-process fetch handler, as an app passes it to `createCookieSessions`. */
  fetch(url: string, init: RequestInit): Promise<Response>;
  /** Every refresh the server performed (rotations and grace answers alike). */
  refreshes: Extract<AuthEvent, { type: 'refresh' }>[];
  signup(email: string): Promise<void>;
  close(): Promise<void>;
}

export async function startAuthServer(): Promise<AuthServer> {
  const clock = createFixedClock(Date.UTC(2031, 0, 1));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-cookie-'));
  const config = loadConfig(
    {
      TESSERA_DATABASE_URL: 'sqlite::memory:',
      TESSERA_SECRET: SECRET,
      TESSERA_DATA_DIR: dataDir,
      TESSERA_ISSUER: 'http://tessera.internal',
      TESSERA_ACCESS_TTL: `${ACCESS_TTL_SECONDS}s`,
      TESSERA_REFRESH_TTL: `${REFRESH_TTL_SECONDS}s`,
      TESSERA_CLOCK_TOLERANCE: '0s',
      TESSERA_RATE_LIMIT: 'off',
      // Only the app reaches this in-process server, and it passes on each browser's address.
      TESSERA_TRUST_PROXY: '1',
    },
    dataDir,
  );
  const runtime = await openRuntime(config, { now: clock.now });
  const refreshes: AuthServer['refreshes'] = [];
  runtime.auth.onEvent((event) => {
    if (event.type === 'refresh') refreshes.push(event);
  });
  const app = createApp({ auth: runtime.auth, keys: runtime.keys, config, logError: () => {} });
  const fetchHandler = async (url: string, init: RequestInit) => app.fetch(new Request(url, init));
  return {
    runtime,
    clock,
    fetch: fetchHandler,
    refreshes,
    async signup(email) {
      const response = await fetchHandler('http://tessera.internal/auth/signup', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: PASSWORD, transport: 'body' }),
      });
      if (response.status !== 201) throw new Error(`signup answered ${response.status}`);
    },
    close: () => runtime.close(),
  };
}

export function sessionsFor(auth: AuthServer, options: Partial<CookieSessionOptions> = {}): CookieSessions {
  return createCookieSessions({
    authUrl: 'http://tessera.internal',
    fetch: auth.fetch,
    verify: (token) => auth.runtime.auth.verifyAccessToken(token),
    secret: SECRET,
    now: auth.clock.now,
    ...options,
  });
}

export interface PageApp {
  url: string;
  /** Every state change the app made (one entry per accepted POST /transfer), by user id. */
  changes: string[];
  /** Called as each request reaches the app, before the cookie middleware. */
  onArrival: (() => void) | undefined;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}

const page = (body: string) => `<!doctype html><html><body>${body}</body></html>`;

/**
 * Routes: POST /login (form), GET /account (needs a session; shows the user id and the CSRF token), POST
 * /transfer (needs a session; a state change), POST /logout, GET / (public).
 */
export const PAGE_APPS: Record<string, (sessions: CookieSessions) => Promise<PageApp>> = {
  async koa(sessions) {
    const { cookieSession, requireSession, logIn, logOut } = koaSessions;
    const state: PageApp = { url: '', changes: [], onArrival: undefined, close: async () => {} };
    const app = new Koa();
    app.use(async (ctx, next) => {
      state.onArrival?.();
      await next();
    });
    app.use(bodyParser({ enableTypes: ['form'] }));
    app.use(cookieSession(sessions));
    app.use(async (ctx, next) => {
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      if (ctx.method === 'GET' && ctx.path === '/') ctx.body = page(ctx.state.auth ? `hello ${ctx.state.auth.sub}` : 'hello stranger');
      else if (ctx.method === 'POST' && ctx.path === '/login') {
        const outcome = await logIn(ctx, sessions, { email: body.email, password: body.password });
        if (outcome.ok) ctx.redirect('/account');
        else {
          ctx.status = outcome.error.status;
          ctx.body = page(`<p class="error">${outcome.error.body.message}</p>`);
        }
      } else if (ctx.method === 'POST' && ctx.path === '/logout') {
        if (await logOut(ctx, sessions)) ctx.redirect('/login');
      } else await next();
    });
    app.use(requireSession(sessions));
    app.use(async (ctx) => {
      if (ctx.method === 'GET' && ctx.path === '/account') ctx.body = page(`<p id="user">${ctx.state.auth?.sub}</p><p id="csrf">${ctx.state.csrfToken}</p>`);
      else if (ctx.method === 'POST' && ctx.path === '/transfer') {
        state.changes.push(ctx.state.auth?.sub ?? '');
        ctx.body = page('done');
      }
    });
    const server = createServer(app.callback());
    state.url = await listen(server);
    state.close = closer(server);
    return state;
  },

  async express(sessions) {
    const { cookieSession, requireSession, logIn, logOut } = expressSessions;
    const state: PageApp = { url: '', changes: [], onArrival: undefined, close: async () => {} };
    const app = express();
    app.use((_req, _res, next) => {
      state.onArrival?.();
      next();
    });
    app.use(express.urlencoded({ extended: false }));
    app.use(cookieSession(sessions));
    app.get('/', (req, res) => {
      res.send(page(req.auth ? `hello ${req.auth.sub}` : 'hello stranger'));
    });
    app.post('/login', async (req, res) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const outcome = await logIn(req, res, sessions, { email: body.email, password: body.password });
      if (outcome.ok) res.redirect(302, '/account');
      else res.status(outcome.error.status).send(page(`<p class="error">${outcome.error.body.message}</p>`));
    });
    app.post('/logout', async (req, res) => {
      if (await logOut(req, res, sessions)) res.redirect(302, '/login');
    });
    app.get('/account', requireSession(sessions), (req, res) => {
      res.send(page(`<p id="user">${req.auth?.sub}</p><p id="csrf">${String(res.locals.csrfToken)}</p>`));
    });
    app.post('/transfer', requireSession(sessions), (req, res) => {
      state.changes.push(req.auth?.sub ?? '');
      res.send(page('done'));
    });
    const server = createServer(app);
    state.url = await listen(server);
    state.close = closer(server);
    return state;
  },
};

/** A browser's cookie jar for one site, fed from Set-Cookie lines (Max-Age=0 deletes). */
export class Jar {
  readonly cookies = new Map<string, string>();

  take(response: Response): string[] {
    const lines = response.headers.getSetCookie();
    for (const line of lines) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      if (/Max-Age=0(;|$)/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
    return lines;
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
