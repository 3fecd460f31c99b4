// Test-only helpers for end-to-end suites that run Tessera as real processes: the built CLI, child processes
// killed by pid, free ports, and the few HTTP calls the suites make.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const CLI = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

/** The suites run the built CLI and build nothing themselves (`npm test` runs `tsc -b` first). */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build first with "npx tsc -b" (npm test does), then run the e2e suites again.`);
  }
}

export const randomHex = (bytes = 6) => randomBytes(bytes).toString('hex');

/** Only what a child needs from our environment, so a developer's own TESSERA_* variables can't leak in. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) if (process.env[name]) env[name] = process.env[name]!;
  return env;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Stops a child by its pid: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, signal);
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export interface TesseraProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote to stderr, for failure messages. */
  stderr(): string;
  /** Everything it wrote to stdout: the listening line, then one JSON line per audit event. */
  stdout(): string;
  stop(): Promise<void>;
}

/** Starts `tessera serve` on a free port (in `cwd`, default ours) and resolves with the URL it prints. */
export function startTessera(env: Record<string, string>, timeoutMs = 20_000, cwd?: string): Promise<TesseraProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env: { ...baseEnv(), PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}) });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const started = { url: '', child, stderr: () => stderr, stdout: () => stdout, stop: () => stopProcess(child) };
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stopProcess(child, 'SIGKILL');
      reject(new Error(`tessera serve ${why}; stderr:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`printed no URL within ${timeoutMs} ms`), timeoutMs);
    // Keep reading stdout for the life of the process (audit lines go there), or a full pipe would stall it.
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (started.url !== '') return;
      const match = /Tessera is listening on (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        started.url = match[1]!;
        resolve(started);
      }
    });
    child.once('exit', (code, signal) => started.url === '' && fail(`exited (${signal ?? code}) before listening`));
  });
}

/** Runs one CLI command to completion (in `cwd`, default ours). */
export function runCli(args: string[], env: Record<string, string>, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { ...baseEnv(), ...env }, timeout: 30_000, ...(cwd ? { cwd } : {}) }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export const PASSWORD = 'correct horse battery staple';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** Signs up (refresh token in the body, as a native client) and returns the tokens. */
export async function signup(url: string, email: string): Promise<Tokens> {
  const response = await post(`${url}/auth/signup`, { email, password: PASSWORD, transport: 'body' });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Tokens;
}

export const login = (url: string, email: string) => post(`${url}/auth/login`, { email, password: PASSWORD, transport: 'body' });
export const refresh = (url: string, refreshToken: string) => post(`${url}/auth/refresh`, { refreshToken });
export const logout = (url: string, accessToken: string) => post(`${url}/auth/logout`, {}, { authorization: `Bearer ${accessToken}` });
export const getNumber = (url: string, accessToken: string) => fetch(`${url}/api/number`, { headers: { authorization: `Bearer ${accessToken}` } });

/** The `kid` in a JWS header. */
export function kidOf(jwt: string): string {
  return (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string }).kid;
}

/** Asserts a response is the JSON error `code` with `status`. */
export async function expectError(response: Response, status: number, code: string): Promise<void> {
  const text = await response.text();
  expect({ status: response.status, body: text }).toMatchObject({ status });
  expect((JSON.parse(text) as { error: string }).error).toBe(code);
}
