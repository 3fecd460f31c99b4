import type { ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createJti, generateSigningKey, publicJwk, signAccessToken } from '@tessera/core';
import autocannon from 'autocannon';
import { spawnListening } from './spawn-listening.js';

/**
 * What each framework is measured with: its unguarded route, the Tessera guard (with and without its verified-
 * token cache), and the usual JWT middleware on that framework. Koa has no maintained peer installed here
 * (koa-jwt is unmaintained and not a dependency), so it is measured against itself only.
 */
export const TARGETS = {
  express: ['unguarded', 'tessera', 'tessera-nocache', 'express-jwt', 'passport-jwt'],
  fastify: ['unguarded', 'tessera', 'tessera-nocache', '@fastify/jwt'],
  koa: ['unguarded', 'tessera', 'tessera-nocache'],
  hono: ['unguarded', 'tessera', 'tessera-nocache', 'hono/jwt'],
} as const;
export type Framework = keyof typeof TARGETS;

export interface GuardBenchRow {
  framework: Framework;
  variant: string;
  requestsPerSec: number;
  p99Ms: number;
  /** requestsPerSec / the same framework's unguarded route. */
  ratioToUnguarded: number;
  /** Answers that were not 2xx: must be 0, or the variant refused the token and measured nothing useful. */
  non2xx: number;
}

const TARGET = fileURLToPath(new URL('./guard-target.js', import.meta.url));
const ISSUER = 'https://bench.tessera.local';

/** A local JWKS server holding one ES256 key, and a token signed with it by Tessera's own signing code. */
async function keysAndToken(): Promise<{ jwksUrl: string; jwk: string; token: string; server: Server }> {
  const key = generateSigningKey('ES256');
  const jwk = publicJwk(key);
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const now = Math.floor(Date.now() / 1000);
  const token = signAccessToken(key, { iss: ISSUER, aud: 'tessera', sub: 'bench-user', sid: 'bench-session', jti: createJti(), iat: now, exp: now + 3600, roles: [] });
  return { jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`, jwk: JSON.stringify(jwk), token, server };
}

/** Starts one target in its own process. */
function startTarget(framework: Framework, variant: string, env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  return spawnListening([TARGET, framework, variant], { ...process.env, ...env, NODE_ENV: 'production' }, `guard-target ${framework} ${variant}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function load(url: string, token: string, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers: { authorization: `Bearer ${token}` }, connections: 50, pipelining: 1, duration: seconds });
}

/**
 * For each framework, every variant in TARGETS under the same load (autocannon, 50 connections, `seconds` each
 * after a 1 s warm-up), one process per variant. Every request carries the same ES256 token, as a real client
 * reuses its token until it expires — so "tessera" mostly measures cache hits; "tessera-nocache" verifies the
 * signature on every request, as the peers do.
 */
export async function runGuardBench(options: { seconds?: number } = {}): Promise<GuardBenchRow[]> {
  const seconds = options.seconds ?? 5;
  const { jwksUrl, jwk, token, server } = await keysAndToken();
  const env = { BENCH_JWKS_URL: jwksUrl, BENCH_ISSUER: ISSUER, BENCH_PUBLIC_JWK: jwk };
  const rows: GuardBenchRow[] = [];
  try {
    for (const framework of Object.keys(TARGETS) as Framework[]) {
      let unguarded = 0;
      for (const variant of TARGETS[framework]) {
        const { url, child } = await startTarget(framework, variant, env);
        try {
          await load(url, token, 1);
          const result = await load(url, token, seconds);
          const requestsPerSec = Math.round(result.requests.average);
          if (variant === 'unguarded') unguarded = requestsPerSec;
          rows.push({ framework, variant, requestsPerSec, p99Ms: result.latency.p99, ratioToUnguarded: unguarded > 0 ? requestsPerSec / unguarded : Number.NaN, non2xx: result.non2xx });
        } finally {
          await stop(child);
        }
      }
    }
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  return rows;
}
