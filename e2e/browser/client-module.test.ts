// @tessera/client as a page loads it: the browser build (`@tessera/client/browser`, dist/browser/tessera-client.js)
// served as it is, imported by a plain <script type="module"> with no bundler and no import map. A bare import
// left in it (`from '@tessera/wire'`), or a Node built-in, would fail to load here.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startTestServer, type TestServer } from '@tessera/server/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM, launchChromium, ROOT } from './harness.js';

const CLIENT_DIST = path.join(ROOT, 'packages/client/dist');
const PAGE = `<!doctype html><meta charset="utf-8"><title>client</title>
<script type="module">
  import { createAuthClient } from '/client/browser/tessera-client.js';
  const params = new URLSearchParams(location.search);
  const auth = createAuthClient({ baseUrl: params.get('server') });
  try {
    const user = await auth.signup({ email: params.get('email'), password: 'correct horse battery staple' });
    const me = await auth.fetch('/auth/me');
    window.outcome = { email: user.email, status: me.status, state: (await auth.restore()).status };
  } catch (error) {
    window.outcome = { error: String(error) };
  }
</script>`;

let tessera: TestServer;
let site: Server;
let siteUrl = '';
let browser: Browser;

beforeAll(async () => {
  for (const needed of [path.join(CLIENT_DIST, 'browser/tessera-client.js'), CHROMIUM]) if (!existsSync(needed)) throw new Error(`${needed} is missing: run \`npm run build\` (and install chromium).`);
  site = createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    if (pathname === '/') {
      response.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      return;
    }
    const file = path.join(CLIENT_DIST, path.normalize(pathname.replace(/^\/client\//, '/')));
    if (pathname.startsWith('/client/') && file.startsWith(CLIENT_DIST + path.sep) && existsSync(file)) {
      response.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(file));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://localhost:${(site.address() as AddressInfo).port}`;
  tessera = await startTestServer({ TESSERA_CORS_ORIGINS: siteUrl });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await tessera?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
});

describe('the client in a page, unbundled', () => {
  test('a <script type="module"> imports the browser build, signs up, and calls the server with the token', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('pageerror', (error) => failed.push(error.message));
    page.on('requestfailed', (request) => failed.push(request.url()));
    const email = `page-${Date.now()}@example.test`;
    await page.goto(`${siteUrl}/?server=${encodeURIComponent(tessera.url)}&email=${encodeURIComponent(email)}`);
    await page.waitForFunction(() => (window as { outcome?: unknown }).outcome !== undefined, undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as { outcome?: unknown }).outcome)).toEqual({ email, status: 200, state: 'authenticated' });
    expect(failed).toEqual([]);
    await page.close();
  });
});
