import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createConnection, type Connection } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { serviceAvailable } from '@tessera/testing';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DESKTOP, launchChromium, navTo, PASSWORD, requireBuild, startTessera, stopTimers, type Tessera } from '../../../e2e/browser/harness.js';
import { freePort, stopProcess } from '../../../e2e/processes.testkit.js';
import { dropPrefix, REDIS_URL, redisAvailable, testPrefix } from '@tessera/testing/redis';

// The whole "React front end + Express API, users in MySQL, sessions and refresh state in Redis" path, as a user
// of this example runs it (README.md): `tessera serve` (serving the demo) on MySQL and Redis with
// TESSERA_DEMO_NUMBER_URL pointing the demo's Get number page at this API, this API started with its own
// `node dist/main.js` on its own origin, following Tessera's JWKS and revocation feed, and Chromium driving the demo.

const MYSQL_URL = process.env.TESSERA_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const API_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

const mysqlAvailable = await serviceAvailable({
  service: 'MySQL/MariaDB',
  envVar: 'TESSERA_TEST_MYSQL_URL',
  url: MYSQL_URL,
  probe: async () => {
    const connection = await createConnection({ uri: MYSQL_URL, connectTimeout: 3_000 });
    await connection.end();
  },
});
const available = mysqlAvailable && (await redisAvailable());

/** Starts `node dist/main.js` as the README says, and resolves its URL once it listens. */
async function startApi(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [API_MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`express-api did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`express-api exited with ${code} before listening:\n${output}`));
    });
  });
  return { url, child };
}

describe.skipIf(!available)('the demo, Tessera on MySQL + Redis, and this Express API', () => {
  const database = `tessera_t_${randomBytes(6).toString('hex')}`;
  const prefix = testPrefix();
  let admin: Connection;
  let redis: Redis;
  let tessera: Tessera;
  let api: { url: string; child: ChildProcess };
  let browser: Browser;

  beforeAll(async () => {
    requireBuild();
    if (!existsSync(API_MAIN)) throw new Error(`${API_MAIN} is missing: run \`npm run build\` (or \`npx tsc -b\`) first.`);
    admin = await createConnection({ uri: MYSQL_URL });
    await admin.query(`create database \`${database}\``);
    redis = new Redis(REDIS_URL);
    const databaseUrl = new URL(MYSQL_URL);
    databaseUrl.pathname = `/${database}`;
    // Each needs the other's address at start (the demo calls the API; the API allows the demo's origin).
    const apiPort = await freePort();
    tessera = await startTessera({
      TESSERA_DEMO_NUMBER_URL: `http://localhost:${apiPort}/getnumber`,
      TESSERA_DATABASE_URL: databaseUrl.toString(),
      TESSERA_REDIS_URL: REDIS_URL,
      TESSERA_REDIS_PREFIX: prefix,
      // Short, so the test can let one expire; the refusal after logout says "revoked", not "expired".
      TESSERA_ACCESS_TTL: '2s',
    });
    api = await startApi({
      PORT: String(apiPort),
      TESSERA_ISSUER: tessera.url,
      TESSERA_REDIS_URL: REDIS_URL,
      TESSERA_REDIS_PREFIX: prefix,
      CORS_ORIGINS: tessera.url,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (api) await stopProcess(api.child);
    await tessera?.stop();
    if (redis) {
      await dropPrefix(redis, prefix);
      redis.disconnect();
    }
    if (admin) {
      await admin.query(`drop database if exists \`${database}\``);
      await admin.end();
    }
  });

  test('sign up in the demo, get numbers from the Express API (across a refresh), log out: the API refuses the token at once', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    // What the browser sent to the API and what it answered, preflights left out.
    const calls: Array<{ authorization: string | undefined; status: number }> = [];
    context.on('requestfinished', (request) => {
      if (request.url() !== `${api.url}/getnumber` || request.method() !== 'GET') return;
      void request.response().then((response) => calls.push({ authorization: request.headers().authorization, status: response?.status() ?? 0 }));
    });
    let refreshes = 0;
    context.on('request', (request) => {
      if (request.url() === `${tessera.url}/auth/refresh`) refreshes += 1;
    });
    const page = await context.newPage();
    await page.clock.install();

    const email = `stack.${randomBytes(4).toString('hex')}@example.com`;
    await page.goto(`${tessera.url}/signup`);
    // The page's timers stand still from here on: no refresh ahead of time, so only the API's 401
    // token_expired tells the client its token has expired.
    await stopTimers(page);
    await page.getByLabel('Name').fill('Edgar Codd');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('profile-email').waitFor();
    // The user is a row in MySQL; the session lives in Redis.
    const [users] = await admin.query(`select email from \`${database}\`.tessera_users`);
    expect(users).toEqual([{ email }]);

    await navTo(page, 'Get number');
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => page.getByTestId('number-count').textContent()).toBe('1 number received');
    expect(Number(await page.getByTestId('number').textContent())).toBeGreaterThanOrEqual(1);
    expect(Number(await page.getByTestId('number').textContent())).toBeLessThanOrEqual(10);
    await expect.poll(() => calls.length).toBe(1);
    // The demo's session is bound to the browser's key: every call carries the token as DPoP, with a proof.
    expect(calls[0]).toEqual({ authorization: expect.stringMatching(/^DPoP /), status: 200 });
    const first = calls[0]!.authorization!.slice('DPoP '.length);
    const sid = (JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    expect(await redis.exists(`${prefix}session:${sid}`)).toBe(1);

    // The token expires (past the guard's default 5 s clock tolerance): the client learns it from the API's
    // 401 token_expired, refreshes once and calls again.
    const exp = (JSON.parse(Buffer.from(first.split('.')[1]!, 'base64url').toString()) as { exp: number }).exp;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 + 5_100 - Date.now())));
    refreshes = 0;
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => page.getByTestId('number-count').textContent()).toBe('2 numbers received');
    await expect.poll(() => calls.length).toBe(3);
    expect(calls.slice(1).map((call) => call.status)).toEqual([401, 200]);
    expect(refreshes).toBe(1);
    const current = calls[2]!.authorization!;
    expect(current).not.toBe(calls[0]!.authorization);
    // Sent from here the token lacks the browser's proof, and the guard says just that: the token itself is
    // valid (not expired, not revoked).
    const refusedFor = async () => ((await (await fetch(`${api.url}/getnumber`, { headers: { authorization: current } })).json()) as { error: string; message: string });
    expect((await refusedFor()).error).toBe('invalid_dpop_proof');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    // Refused at once: the Redis feed reached the API's guard (well before the token's expiry).
    // The guard checks revocation before the proof, so the answer changes from "no proof" to "revoked".
    const loggedOutAt = Date.now();
    let refused: { error: string; message: string };
    for (;;) {
      refused = await refusedFor();
      if (refused.error !== 'invalid_dpop_proof' || Date.now() - loggedOutAt > 1_000) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(refused).toEqual({ error: 'invalid_token', message: 'the session has been revoked' });
    expect(await redis.zscore(`${prefix}revoked`, sid)).not.toBeNull();
    await context.close();
  });
});
