import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { countRequests, createAccount, DESKTOP, launchChromium, navTo, requireBuild, screenshot, serveDemoElsewhere, startTessera, type StaticSite, type Tessera } from './harness.js';

// The demo on one origin, the auth server on another: credentials flow only to the origin listed in
// TESSERA_CORS_ORIGINS; a page on any other origin gets no CORS headers and so cannot log in.

let browser: Browser;
let tessera: Tessera;
let allowed: StaticSite;
let unlisted: StaticSite;

beforeAll(async () => {
  requireBuild();
  browser = await launchChromium();
  // The front-end's origin must be known before the server starts, so the sites start first and learn the
  // server's URL through /config.js when a page asks for it.
  let api = '';
  allowed = await serveDemoElsewhere(() => api);
  unlisted = await serveDemoElsewhere(() => api);
  tessera = await startTessera({ TESSERA_CORS_ORIGINS: allowed.url });
  api = tessera.url;
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
  await allowed?.close();
  await unlisted?.close();
});

async function fillLogin(page: Page, site: string, account: { email: string; password: string }) {
  await page.goto(`${site}/login`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('a demo served from another origin', () => {
  test('works when its origin is listed: login, API calls, refresh after a reload', async () => {
    const account = await createAccount(tessera.url);
    const context = await browser.newContext({ viewport: DESKTOP });
    const refreshes = countRequests(context, '/auth/refresh');
    const page = await context.newPage();
    await fillLogin(page, allowed.url, account);
    await page.getByTestId('profile-email').waitFor();
    expect(new URL(page.url()).origin).toBe(allowed.url);

    await navTo(page, 'Get number');
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => page.getByTestId('number-count').textContent()).toBe('1 number received');

    refreshes.reset();
    await page.reload();
    await page.getByRole('button', { name: 'Get number' }).waitFor();
    expect(refreshes.count).toBe(1);
    expect(await page.getByTestId('current-user').textContent()).toBe(account.email);
    await context.close();
  });

  test('a device whose clock is ten minutes fast still gets a bound session: its proofs take the server\'s Date', async () => {
    const account = await createAccount(tessera.url);
    const context = await browser.newContext({ viewport: DESKTOP });
    const calls: string[] = [];
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/number') calls.push(request.headers().authorization ?? '');
    });
    const page = await context.newPage();
    await page.clock.install({ time: Date.now() + 10 * 60_000 });
    await fillLogin(page, allowed.url, account);
    await page.getByTestId('profile-email').waitFor();
    expect(await page.getByTestId('session-binding').textContent()).toMatch(/^Bound to a key/);
    await navTo(page, 'Get number');
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => page.getByTestId('number-count').textContent()).toBe('1 number received');
    expect(calls.at(-1)).toMatch(/^DPoP /);
    await context.close();
  });

  test('is refused when its origin is not listed: a visible error, and no CORS headers', async () => {
    const account = await createAccount(tessera.url);
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await fillLogin(page, unlisted.url, account);
    const formError = page.getByTestId('error');
    await formError.waitFor();
    expect(await formError.textContent()).toBe("We couldn't reach the server. Check your connection and try again.");
    // Restoring the session on load was refused the same way, and the page says so with a way to retry.
    expect(await page.getByTestId('restore-error').textContent()).toContain("We couldn't reach the server, so we can't tell whether you're logged in.");
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, 'desktop-login-unlisted-origin');

    // What the browser saw, asked directly: the preflight and the request itself carry no CORS grant.
    const preflight = await fetch(`${tessera.url}/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: unlisted.url, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(`${tessera.url}/auth/login`, {
      method: 'POST',
      headers: { origin: unlisted.url, 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
    const granted = await fetch(`${tessera.url}/auth/login`, {
      method: 'OPTIONS',
      headers: { origin: allowed.url, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(granted.headers.get('access-control-allow-origin')).toBe(allowed.url);
    await context.close();
  });
});
