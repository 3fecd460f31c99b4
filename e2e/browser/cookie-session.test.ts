import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuthEvent } from '@tessera/core';
import { TEST_SECRET } from '@tessera/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createPagesApp } from '../../examples/koa-ssr/src/app.js';
import { openTessera, type InProcessTessera } from '../../examples/koa-ssr/src/tessera.js';
import { CHROMIUM, DESKTOP, launchChromium, PASSWORD } from './harness.js';

// The server-rendered example (examples/koa-ssr) in Chromium: no script runs on its pages, yet a visitor who
// keeps browsing outlives several 2-second access tokens; a form on another site changes nothing.

const ACCESS_TTL_SECONDS = 2;

let browser: Browser;
let tessera: InProcessTessera;
let site: Server;
let siteUrl: string;
let evil: Server;
let evilUrl: string;
let dataDir: string;
const events: AuthEvent[] = [];
/** The page another site serves: it posts a form to the example as soon as it loads. */
let evilPage = '';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function close(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (server === undefined) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Chromium or set TESSERA_CHROMIUM.`);
  dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-koa-ssr-'));
  tessera = await openTessera({
    PORT: '0',
    TESSERA_DATA_DIR: dataDir,
    TESSERA_DATABASE_URL: 'sqlite::memory:',
    TESSERA_SECRET: TEST_SECRET,
    TESSERA_ACCESS_TTL: `${ACCESS_TTL_SECONDS}s`,
    TESSERA_CLOCK_TOLERANCE: '0s',
    TESSERA_RATE_LIMIT: 'off',
  });
  tessera.runtime.auth.onEvent((event) => events.push(event));
  site = createServer(createPagesApp(tessera.sessions).callback());
  // The example on localhost, the other site on 127.0.0.1: different sites, so SameSite applies between them.
  siteUrl = `http://localhost:${await listen(site)}`;
  evil = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(evilPage);
  });
  evilUrl = `http://127.0.0.1:${await listen(evil)}`;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await close(site);
  await close(evil);
  await tessera?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function createAccount(email: string): Promise<void> {
  const response = await tessera.fetch('http://tessera.internal/auth/signup', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, transport: 'body' }),
  });
  expect(response.status).toBe(201);
}

async function logIn(page: Page, email: string): Promise<void> {
  await page.goto(`${siteUrl}/account`);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.locator('#user-id').waitFor();
}

const count = (type: AuthEvent['type']) => events.filter((event) => event.type === type).length;

describe('cookie sessions in Chromium (examples/koa-ssr)', () => {
  test('a visitor who keeps browsing outlives several access-token lifetimes without meeting the login page', async () => {
    await createAccount('browsing@example.com');
    const context = await browser.newContext({ viewport: DESKTOP, javaScriptEnabled: false });
    const page = await context.newPage();
    await logIn(page, 'browsing@example.com');
    const userId = await page.locator('#user-id').textContent();

    const cookies = await context.cookies(siteUrl);
    expect(cookies.map(({ name, path: cookiePath, httpOnly, secure, sameSite }) => ({ name, path: cookiePath, httpOnly, secure, sameSite })).sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'tessera_access', path: '/', httpOnly: true, secure: false, sameSite: 'Lax' },
      { name: 'tessera_page_refresh', path: '/', httpOnly: true, secure: false, sameSite: 'Lax' },
    ]);

    const before = events.filter((event) => event.type === 'refresh').length;
    const lifetimes = 4;
    for (let step = 0; step < lifetimes; step++) {
      // Real time: the access token (and its cookie) expire while the visitor reads the page.
      await page.waitForTimeout(ACCESS_TTL_SECONDS * 1000 + 300);
      await page.getByRole('link', { name: 'Account' }).click();
      await page.locator('#user-id').waitFor();
      expect(new URL(page.url()).pathname).toBe('/account');
      expect(await page.locator('#user-id').textContent()).toBe(userId);
    }
    expect(count('refresh') - before).toBeGreaterThanOrEqual(lifetimes);
    await context.close();
  });

  test('a form auto-submitted from another site changes nothing, and the session survives it', async () => {
    await createAccount('target@example.com');
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await logIn(page, 'target@example.com');
    await page.getByLabel('New note').fill('written by me');
    await page.getByRole('button', { name: 'Add note' }).click();
    await expect.poll(() => page.locator('#notes li').allTextContents()).toEqual(['written by me']);
    const logoutsBefore = count('logout');

    for (const action of ['/notes', '/logout']) {
      evilPage = `<!doctype html><form method="post" action="${siteUrl}${action}"><input name="text" value="forged"><input name="_csrf" value="guessed"></form><script>document.forms[0].submit()</script>`;
      const refused = page.waitForResponse((response) => response.url() === `${siteUrl}${action}`);
      await page.goto(evilUrl);
      const response = await refused;
      expect(response.status()).toBe(403);
      expect(await response.text()).toContain('data-error="csrf_failed"');
      // What the browser sent: the foreign Origin, and (SameSite=Lax) none of the session's cookies.
      expect(response.request().headers().origin).toBe(evilUrl);
      expect((await response.request().allHeaders()).cookie).toBeUndefined();
    }

    await page.goto(`${siteUrl}/account`);
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await page.locator('#notes li').allTextContents()).toEqual(['written by me']);
    expect(count('logout')).toBe(logoutsBefore);

    // The site's own logout form works, and afterwards the account page needs a login again.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${siteUrl}/login`);
    expect(count('logout')).toBe(logoutsBefore + 1);
    await page.goto(`${siteUrl}/account`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await context.cookies(siteUrl)).toEqual([]);
    await context.close();
  });
});
