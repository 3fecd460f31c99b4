import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthEventListener } from '@tessera/core/auth';
import { loadConfig } from '../config.js';
import { startServer, type RunningServer, type StartServerOptions } from '../node/serve.js';

export interface TestServerOptions {
  /** The server's clock in milliseconds: move it to expire tokens and sessions instead of sleeping. */
  now?: () => number;
  /** Hears the audit events (none are printed by default). */
  onEvent?: AuthEventListener;
  /** The demo's API (`demoApi` of @tessera/demo-api) under `/api`, for tests that need a protected resource. */
  demoApi?: StartServerOptions['demoApi'];
}

/** A running server whose `close()` also removes its temporary data directory. */
export type TestServer = RunningServer;

/**
 * A real Tessera server for tests, on a free loopback port: an in-memory SQLite store, a fresh random secret,
 * rate limits off, no log lines. `env` overrides any variable (`TESSERA_ACCESS_TTL`, `TESSERA_CORS_ORIGINS`, …).
 */
export async function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tessera-test-'));
  const config = loadConfig(
    {
      PORT: '0',
      TESSERA_DATABASE_URL: 'sqlite::memory:',
      TESSERA_DATA_DIR: dir,
      TESSERA_SECRET: randomBytes(32).toString('hex'),
      TESSERA_RATE_LIMIT: 'off',
      TESSERA_LOG_LEVEL: 'silent',
      ...env,
    },
    dir,
  );
  let server: RunningServer;
  try {
    server = await startServer(config, { log: () => {}, onEvent: options.onEvent ?? (() => {}), ...(options.now ? { now: options.now } : {}), ...(options.demoApi ? { demoApi: options.demoApi } : {}) });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: server.url,
    runtime: server.runtime,
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let accounts = 0;

/** An email no other test in this process uses. */
export function uniqueEmail(prefix = 'user'): string {
  accounts += 1;
  return `${prefix}-${accounts}-${process.pid}-${randomBytes(3).toString('hex')}@example.test`;
}

/** A password the policy accepts. */
export const TEST_PASSWORD = 'correct horse battery staple';

/** Signs a new account up over HTTP with the body transport; the tokens it gets back. */
export async function signUp(baseUrl: string, email = uniqueEmail()): Promise<{ email: string; password: string; accessToken: string; refreshToken: string }> {
  const response = await fetch(`${baseUrl}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: TEST_PASSWORD, transport: 'body' }),
  });
  if (response.status !== 201) throw new Error(`signup answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { accessToken: string; refreshToken: string };
  return { email, password: TEST_PASSWORD, accessToken: body.accessToken, refreshToken: body.refreshToken };
}
