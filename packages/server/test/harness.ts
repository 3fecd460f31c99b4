// Test-only wiring for the HTTP layer: a full runtime on in-memory SQLite with a clock the test moves.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { demoApi } from '@tessera/demo-api';
import { createFixedClock, TEST_SECRET } from '@tessera/testing';
import type { Hono } from 'hono';
import { createApp } from '../src/app.js';
import type { ResourceAccess } from '../src/http/resource-access.js';
import { loadConfig } from '../src/config.js';
import { responseCheckFor, type ResponseCheck } from './openapi-response-check.js';
import { openRuntime } from '../src/node/runtime.js';

export { TEST_SECRET };
export const ORIGIN = 'http://localhost:3000';

export async function createTestApp(env: Record<string, string> = {}, options: { logError?: (text: string) => void } = {}) {
  const clock = createFixedClock(Date.UTC(2031, 0, 1));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-test-'));
  const config = loadConfig({ TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_SECRET: TEST_SECRET, TESSERA_DATA_DIR: dataDir, ...env }, dataDir);
  const runtime = await openRuntime(config, { now: clock.now });
  // Mounted as `tessera serve` mounts it: with TESSERA_DEMO on (the default outside production).
  const app = createApp({ auth: runtime.auth, keys: runtime.keys, config, logError: options.logError ?? (() => {}), verifyDpopProof: runtime.verifyDpopProof, dpopNonces: runtime.dpopNonces, outbox: runtime.mail.outbox, ...(config.demo ? { demoApi: (access: ResourceAccess) => demoApi(runtime.auth, access) } : {}) });
  const request = checkedRequest(app);
  return { app, runtime, clock, config, request, close: () => runtime.close() };
}

/**
 * `app.request` that also checks the response against the OpenAPI document the app serves (status, media type,
 * JSON body, required headers): a response `/openapi.json` does not describe fails the test that made it.
 * `input` is a path under `origin`, a full URL or a Request.
 */
export function checkedRequest(app: Pick<Hono, 'request'>, origin = ORIGIN) {
  let check: ResponseCheck | undefined;
  return async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input), origin);
    const method = init.method ?? (input instanceof Request ? input.method : 'GET');
    const response = await app.request(input instanceof Request ? input : url.href, init);
    check ??= await responseCheckFor(() => app.request(new URL('/openapi.json', origin).href));
    await check(method, url.pathname, response);
    return response;
  };
}

export function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The `name=value` pairs a browser would send back, from a response's Set-Cookie headers. */
export function cookieJar(response: Response): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const index = pair!.indexOf('=');
    jar[pair!.slice(0, index)] = pair!.slice(index + 1);
  }
  return jar;
}

export function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar).map(([k, v]) => `${k}=${v}`).join('; ');
}

export const PASSWORD = 'correct horse battery';

export async function signupWithCookie(request: (p: string, i?: RequestInit) => Response | Promise<Response>, email = 'ann@example.test') {
  const response = await request('/auth/signup', json({ email, password: PASSWORD, name: 'Ann' }));
  const body = (await response.json()) as { accessToken: string; csrfToken: string; user: { id: string } };
  return { response, body, jar: cookieJar(response) };
}
