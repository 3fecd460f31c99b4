// Test-only: the same three guarded routes on each framework's real listener, on a free port.
import { once } from 'node:events';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import type { Guard, RequireAuthOptions } from '../src/index.js';
import { requireAuth as expressAuth } from '../src/express.js';
import { tesseraGuard } from '../src/fastify.js';
import { requireAuth as honoAuth, type GuardEnv } from '../src/hono.js';
import { requireAuth as koaAuth } from '../src/koa.js';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** `/me` needs a valid token, `/admin` also the role admin, `/scoped` also the scope read:things. */
export const ROUTES: Record<string, RequireAuthOptions> = { '/me': {}, '/admin': { roles: ['admin'] }, '/scoped': { scopes: ['read:things'] } };

async function listenNode(server: Server): Promise<Listening> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export const FRAMEWORKS: Record<string, (guard: Guard) => Promise<Listening>> = {
  async express(guard) {
    const app = express();
    for (const [path, options] of Object.entries(ROUTES)) {
      app.get(path, expressAuth(guard, options), (req, res) => {
        res.json({ auth: req.auth });
      });
    }
    return listenNode(createServer(app));
  },

  async fastify(guard) {
    const app = Fastify();
    await app.register(tesseraGuard, { guard });
    for (const [path, options] of Object.entries(ROUTES)) {
      app.get(path, { preHandler: app.requireAuth(options) }, async (request) => ({ auth: request.auth }));
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
  },

  async koa(guard) {
    const app = new Koa();
    const routes = new Map(Object.entries(ROUTES).map(([path, options]) => [path, koaAuth(guard, options)]));
    app.use(async (ctx, next) => {
      const guarded = routes.get(ctx.path);
      if (guarded === undefined) return next();
      await guarded(ctx, async () => {
        // Both places carry the same claims.
        ctx.body = { auth: ctx.state.auth === ctx.auth ? ctx.auth : 'state and context differ' };
      });
    });
    return listenNode(createServer(app.callback()));
  },

  async hono(guard) {
    const app = new Hono<GuardEnv>();
    for (const [path, options] of Object.entries(ROUTES)) app.get(path, honoAuth(guard, options), (c) => c.json({ auth: c.get('auth') }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await once(server, 'listening');
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};

/** A GET with raw header pairs (fetch cannot send a header twice; with raw pairs Node adds no Host itself). */
export function rawGet(url: string, headers: string[]): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers: ['host', new URL(url).host, ...headers] }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) }));
    });
    req.on('error', reject);
    req.end();
  });
}
