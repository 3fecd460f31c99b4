import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEMO_DIST = path.join(ROOT, 'apps/demo/dist');
const CLI = path.join(ROOT, 'packages/cli/dist/bin.js');
export const SCREENSHOTS = path.join(ROOT, 'artifacts/screenshots');
export const CHROMIUM = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';
export const PASSWORD = 'correct horse battery staple';

/** These tests drive what `npm test` built; say plainly what is missing instead of failing obscurely. */
export function requireBuild(): void {
  if (!existsSync(path.join(DEMO_DIST, 'index.html'))) {
    throw new Error('apps/demo/dist/index.html is missing: build the demo first (`npm run build`; `npm test` does it).');
  }
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/bin.js is missing: run `npm run build` (or `npm test`) first.');
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Chromium (apt-get install chromium; .ci/run does) or set TESSERA_CHROMIUM.`);
  }
}

export interface Tessera {
  url: string;
  /** The audit events the server wrote so far (one JSON line each on stdout; `TESSERA_LOG_LEVEL: 'info'` logs all). */
  auditEvents(): AuditEvent[];
  stop(): Promise<void>;
}

export interface AuditEvent {
  type: string;
  sessionId?: string;
  grace?: boolean;
  at: string;
}

/**
 * The real server as `npm start` runs it (it serves the built demo), on a free port with an in-memory database
 * and 3-second access tokens, so a test can outlive one. `entry` runs another Node entry that starts Tessera
 * (an example serving its own pages) and prints the same "Tessera is listening on <url>" line.
 */
export async function startTessera(extraEnv: Record<string, string> = {}, entry: readonly string[] = [CLI, 'serve']): Promise<Tessera> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-e2e-'));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dataDir,
    PORT: '0',
    TESSERA_ACCESS_TTL: '3s',
    TESSERA_CLOCK_TOLERANCE: '0s',
    TESSERA_RATE_LIMIT: 'off',
    TESSERA_DATA_DIR: dataDir,
    TESSERA_DATABASE_URL: 'sqlite::memory:',
    TESSERA_LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  const child = spawn(process.execPath, [...entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stdout = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Tessera did not start within 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Tessera is listening on (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Tessera exited with ${code} before listening:\n${output}`));
    });
  });
  const auditEvents = () => stdout.split('\n').flatMap((line) => {
    try {
      const record = JSON.parse(line) as AuditEvent & { audit?: boolean };
      return record.audit === true ? [record] : [];
    } catch {
      return [];
    }
  });
  return { url, auditEvents, stop: () => stopChild(child).finally(() => rmSync(dataDir, { recursive: true, force: true })) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export interface StaticSite {
  url: string;
  close(): Promise<void>;
}

/**
 * The built demo on another origin (another port of localhost, as a separate front-end host would be), with a
 * /config.js that points it at the auth server (read per request, so the site can start before the server).
 */
export async function serveDemoElsewhere(apiBaseUrl: () => string): Promise<StaticSite> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.svg': 'image/svg+xml' };
  const index = readFileSync(path.join(DEMO_DIST, 'index.html'));
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (pathname === '/config.js') {
      response.writeHead(200, { 'content-type': 'text/javascript' });
      response.end(`window.TESSERA_CONFIG = { apiBaseUrl: ${JSON.stringify(apiBaseUrl())} };`);
      return;
    }
    const file = path.join(DEMO_DIST, path.normalize(pathname));
    if (file.startsWith(DEMO_DIST + path.sep) && path.extname(file) && existsSync(file)) {
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      response.end(readFileSync(file));
    } else if (!path.extname(pathname)) {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(index);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

export function launchChromium(): Promise<Browser> {
  // Playwright gives every launch a fresh temporary profile itself (it refuses a --user-data-dir argument).
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

/** Saves a full-page screenshot as artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Counts the requests to one path made by every page of a context. */
export function countRequests(context: BrowserContext, pathname: string): { readonly count: number; reset(): void } {
  let count = 0;
  context.on('request', (request) => {
    if (new URL(request.url()).pathname === pathname) count++;
  });
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
  };
}

let accounts = 0;
/** A fresh account, created over the API (the signup form has its own test). */
export async function createAccount(baseUrl: string, name = 'Ada Lovelace'): Promise<{ email: string; password: string }> {
  const email = `ada${++accounts}.${process.pid}.${Date.now()}@example.com`;
  const response = await fetch(`${baseUrl}/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name, transport: 'body' }),
  });
  if (response.status !== 201) throw new Error(`signup failed: ${response.status} ${await response.text()}`);
  // End the signup's own session, so the browser's sessions are the only ones listed.
  const { refreshToken } = (await response.json()) as { refreshToken: string };
  await fetch(`${baseUrl}/auth/logout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken }) });
  return { email, password: PASSWORD };
}

/** Logs in through the demo's form and waits for the profile page. */
export async function logIn(page: Page, baseUrl: string, account: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('profile-email').waitFor();
}

/** Follows a link of the main navigation (other links on a page may have similar names). */
export async function navTo(page: Page, label: string): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: label, exact: true }).click();
}

/**
 * Stops the page's timers (call `page.clock.install()` before the page loads): the client's proactive refresh
 * cannot run, so the page only learns about its session from the requests a test makes it send.
 */
export async function stopTimers(page: Page): Promise<void> {
  // The page's clock keeps running between reading it and pausing it; pausing at a moment it has already passed
  // is refused ("Cannot fast-forward to the past"), so aim a little ahead and try again if it overtook us.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 50 * attempt);
      return;
    } catch (error) {
      if (attempt >= 5 || !String(error).includes('to the past')) throw error;
    }
  }
}
