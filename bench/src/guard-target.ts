import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fastifyJwt from '@fastify/jwt';
import { serve } from '@hono/node-server';
import { createGuard, type Guard } from '@tessera/guard';
import { requireAuth as expressAuth } from '@tessera/guard/express';
import { requireAuth as fastifyAuth } from '@tessera/guard/fastify';
import { requireAuth as honoAuth } from '@tessera/guard/hono';
import { requireAuth as koaAuth } from '@tessera/guard/koa';
import express, { type RequestHandler } from 'express';
import { expressjwt } from 'express-jwt';
import Fastify, { type preHandlerAsyncHookHandler } from 'fastify';
import { Hono, type MiddlewareHandler } from 'hono';
import { jwt as honoJwt } from 'hono/jwt';
import Koa from 'koa';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { TARGETS, type Framework } from './guard.js';

// One benchmark target in its own process: `node guard-target.js <framework> <variant>`; prints its URL.
// Environment: BENCH_JWKS_URL, BENCH_ISSUER, BENCH_PUBLIC_JWK (the same ES256 key, for the peers' static key).

const AUDIENCE = 'tessera';
const BODY = { ok: true };

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}

function guard(variant: string): Guard {
  return createGuard({
    issuer: env('BENCH_ISSUER'),
    audience: AUDIENCE,
    algorithms: ['ES256'],
    jwksUrl: env('BENCH_JWKS_URL'),
    ...(variant === 'tessera-nocache' ? { cacheSize: 0 } : {}),
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function expressTarget(variant: string, pem: string): Promise<string> {
  const app = express();
  const issuer = env('BENCH_ISSUER');
  let middleware: RequestHandler = (_req, _res, next) => next();
  if (variant.startsWith('tessera')) middleware = expressAuth(guard(variant));
  if (variant === 'express-jwt') middleware = expressjwt({ secret: pem, algorithms: ['ES256'], issuer, audience: AUDIENCE });
  if (variant === 'passport-jwt') {
    const options = { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: pem, algorithms: ['ES256' as const], issuer, audience: AUDIENCE };
    passport.use(new JwtStrategy(options, (payload: unknown, done: (error: null, user: unknown) => void) => done(null, payload)));
    app.use(passport.initialize());
    middleware = passport.authenticate('jwt', { session: false });
  }
  app.get('/', middleware, (_req, res) => {
    res.json(BODY);
  });
  return listen(createServer(app));
}

async function fastifyTarget(variant: string, pem: string): Promise<string> {
  const app = Fastify();
  let preHandler: preHandlerAsyncHookHandler = async () => {};
  if (variant.startsWith('tessera')) preHandler = fastifyAuth(guard(variant));
  if (variant === '@fastify/jwt') {
    await app.register(fastifyJwt, { secret: { public: pem }, verify: { algorithms: ['ES256'], allowedIss: env('BENCH_ISSUER'), allowedAud: AUDIENCE } });
    preHandler = async (request) => {
      await request.jwtVerify();
    };
  }
  app.get('/', { preHandler }, async () => BODY);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

async function koaTarget(variant: string): Promise<string> {
  const app = new Koa();
  if (variant.startsWith('tessera')) app.use(koaAuth(guard(variant)));
  app.use((ctx) => {
    ctx.body = BODY;
  });
  return listen(createServer(app.callback()));
}

async function honoTarget(variant: string, jwk: JsonWebKey): Promise<string> {
  const app = new Hono();
  let middleware: MiddlewareHandler = async (_c, next) => next();
  if (variant.startsWith('tessera')) middleware = honoAuth(guard(variant));
  if (variant === 'hono/jwt') {
    const secret = jwk as Parameters<typeof honoJwt>[0]['secret'];
    middleware = honoJwt({ secret, alg: 'ES256', verification: { iss: env('BENCH_ISSUER'), aud: AUDIENCE, typ: 'at+jwt' } });
  }
  app.get('/', middleware, (c) => c.json(BODY));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function main(): Promise<void> {
  const [framework, variant] = process.argv.slice(2) as [Framework, string];
  if (!(framework in TARGETS) || !(TARGETS[framework] as readonly string[]).includes(variant)) {
    throw new Error(`usage: guard-target <${Object.keys(TARGETS).join('|')}> <variant>`);
  }
  const jwk = JSON.parse(env('BENCH_PUBLIC_JWK')) as JsonWebKey;
  const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' }).toString();
  const url =
    framework === 'express' ? await expressTarget(variant, pem)
    : framework === 'fastify' ? await fastifyTarget(variant, pem)
    : framework === 'koa' ? await koaTarget(variant)
    : await honoTarget(variant, jwk);
  console.log(`listening on ${url}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
