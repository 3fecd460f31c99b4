import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DESKTOP, launchChromium, PASSWORD, ROOT, screenshot, startTessera, stopTimers, type Tessera } from './harness.js';

// examples/axios-spa in a real Chromium: an axios instance with attachTessera() instead of hand-written
// interceptors. Five requests that fail together with token_expired cost one refresh; a refused refresh rejects
// them all with one AuthError and ends the session; a revoked session is not retried at all.

const EXAMPLE = path.join(ROOT, 'examples/axios-spa');
const ENTRY = path.join(EXAMPLE, 'dist-server/main.js');
// The server's clock is real: this long after the page's timers stop, its two-second access token has expired.
const PAST_EXPIRY_MS = 2_100;

let tessera: Tessera;
let browser: Browser;

beforeAll(async () => {
  for (const file of [path.join(EXAMPLE, 'dist/index.html'), ENTRY]) {
    if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` (or \`npm test\`) first.`);
  }
  // Two-second access tokens, so a test can outlive one; a one-second grace window, so an old refresh token
  // presented after the token expired is reuse. Bearer sessions (TESSERA_DPOP=off), as a browser without WebCrypto
  // gets them: a copied refresh cookie then works until reuse gives it away, which is what these tests show. The
  // same example with device-bound sessions is in dpop.test.ts.
  [tessera, browser] = await Promise.all([startTessera({ TESSERA_ACCESS_TTL: '2s', TESSERA_REFRESH_GRACE: '1s', TESSERA_DPOP: 'off' }, [ENTRY]), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
});

interface Wire {
  /** `number <status>` and `refresh <status>` in the order the responses arrived. */
  events: string[];
  /** The requests that got `/api/number` answered 200, latest last. */
  granted: Request[];
}

/** A page with its clock installed (so its timers can be stopped) and its API traffic recorded. */
async function openPage(): Promise<{ context: BrowserContext; page: Page; wire: Wire }> {
  const context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(10_000);
  const wire: Wire = { events: [], granted: [] };
  context.on('response', (response) => {
    const { pathname } = new URL(response.url());
    if (pathname === '/auth/refresh') wire.events.push(`refresh ${response.status()}`);
    if (pathname !== '/api/number') return;
    wire.events.push(`number ${response.status()}`);
    if (response.status() === 200) wire.granted.push(response.request());
  });
  const page = await context.newPage();
  await page.clock.install();
  await page.goto(tessera.url);
  // The page's timers stop before anyone signs in, so the client can never refresh ahead of time (a 2 s token is
  // due for that a second after it arrives, which a busy machine reaches before any later pause): only the
  // server's 401s make it refresh.
  await stopTimers(page);
  return { context, page, wire };
}

async function signUp(page: Page): Promise<string> {
  const email = `axios.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2, 8)}@example.com`;
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign up' }).click();
  // The email comes from GET /auth/me, asked through the axios instance.
  await expect.poll(() => page.getByTestId('me-email').textContent()).toBe(email);
  return email;
}

const results = (page: Page) => page.getByTestId('results').locator('li').allTextContents();

/** The Bearer token the page's axios instance sent with a request. */
async function bearerOf(request: Request): Promise<string> {
  const authorization = (await request.allHeaders()).authorization ?? '';
  expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  return authorization.slice('Bearer '.length);
}

/** The page's wire from its first 401 on: what the client did about it. */
function afterFirst401(wire: Wire): string[] {
  const first = wire.events.indexOf('number 401');
  expect(first).toBeGreaterThanOrEqual(0);
  return wire.events.slice(first);
}

const count = (events: readonly string[], event: string) => events.filter((e) => e === event).length;

describe('the axios example in Chromium', () => {
  test('five calls with an expired token: one refresh, five numbers; logout refuses the old token and shows the login form', async () => {
    const { context, page, wire } = await openPage();
    const email = await signUp(page);
    await page.getByRole('button', { name: 'Get a number', exact: true }).click();
    await expect.poll(() => results(page)).toHaveLength(1);
    expect((await results(page))[0]).toMatch(/^number ([1-9]|10)$/);
    await expect.poll(() => wire.events.filter((e) => e.startsWith('number'))).toEqual(['number 200']);

    await new Promise((resolve) => setTimeout(resolve, PAST_EXPIRY_MS));

    await page.getByRole('button', { name: 'Get 5 numbers at once' }).click();
    await expect.poll(() => results(page)).toHaveLength(6);
    for (const text of await results(page)) expect(text).toMatch(/^number ([1-9]|10)$/);
    await expect.poll(() => count(wire.events, 'number 200')).toBe(6);
    // All five left with the expired token and got 401 token_expired; one refresh answered all five, and each
    // call was replayed once, after it. (Counted from the first 401 on: a refresh the page made ahead of time,
    // before its timers stopped, is reported before it.)
    const after = afterFirst401(wire);
    expect(count(after, 'number 401')).toBe(5);
    expect(count(after, 'refresh 200')).toBe(1);
    expect(after.filter((e) => e.startsWith('refresh'))).toEqual(['refresh 200']);
    expect(count(after, 'number 200')).toBe(5);
    expect(after.indexOf('refresh 200')).toBeLessThan(after.indexOf('number 200'));
    expect(await page.getByRole('form', { name: 'Sign in' }).isVisible()).toBe(false);
    expect(await page.getByTestId('me-email').textContent()).toBe(email);
    await screenshot(page, 'axios-spa-five-numbers');

    // A second tab of the same browser follows this one: it logs in from the shared refresh cookie, and the
    // logout below reaches it without a call of its own.
    const otherTab = await context.newPage();
    await otherTab.goto(tessera.url);
    await expect.poll(() => otherTab.getByTestId('me-email').textContent()).toBe(email);

    const lastToken = await bearerOf(wire.granted.at(-1)!);
    const logout = page.waitForResponse((response) => new URL(response.url()).pathname === '/auth/logout');
    await page.getByRole('button', { name: 'Log out' }).click();
    expect((await logout).status()).toBe(204);
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await page.locator('#account').isVisible()).toBe(false);
    await otherTab.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await otherTab.getByRole('alert').textContent()).toBe('You logged out in another tab.');

    // The token the page held a moment ago has not expired yet, and the server refuses it all the same.
    const replay = await fetch(`${tessera.url}/api/number`, { headers: { authorization: `Bearer ${lastToken}` } });
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toBe('Bearer realm="tessera", error="invalid_token", error_description="the session has been revoked"');
    expect(await replay.json()).toMatchObject({ error: 'invalid_token' });
    // A reload finds no session to restore: the refresh cookie was cleared with the logout.
    await page.reload();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    await context.close();
  });

  test('a refused refresh: the five calls reject with one invalid_grant, nothing is replayed, the login form returns', async () => {
    const { context, page, wire } = await openPage();
    await signUp(page);
    // The refresh cookie is gone while the page is idle (its Max-Age ran out, the user cleared the site's cookies).
    await context.clearCookies({ name: 'tessera_refresh' });
    await new Promise((resolve) => setTimeout(resolve, PAST_EXPIRY_MS));

    // Five 401 token_expired, one refresh, refused: all five calls reject with that one AuthError.
    await page.getByRole('button', { name: 'Get 5 numbers at once' }).click();
    await expect.poll(() => results(page)).toHaveLength(5);
    expect(await results(page)).toEqual(Array(5).fill('number refused: invalid_grant'));
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Your session has ended. Please log in again.');
    // The browser may report the last responses a moment after the page has shown their outcome.
    await expect.poll(() => count(wire.events, 'number 401')).toBe(5);
    const after = afterFirst401(wire);
    expect(after.filter((e) => e !== 'number 401')).toEqual(['refresh 401']);
    await screenshot(page, 'axios-spa-session-ended');
    await context.close();
  });

  test('a stolen refresh token used elsewhere: one refresh, refused as reuse; no call is replayed, the login form returns', async () => {
    const { context, page, wire } = await openPage();
    await signUp(page);

    // Someone else uses the page's refresh token while the page is idle: the server rotates it.
    const cookies = await context.cookies();
    const refreshCookie = cookies.find((cookie) => cookie.name === 'tessera_refresh');
    const csrfCookie = cookies.find((cookie) => cookie.name === 'tessera_csrf');
    expect(refreshCookie).toBeDefined();
    expect(csrfCookie).toBeDefined();
    const stolen = await fetch(`${tessera.url}/auth/refresh`, {
      method: 'POST',
      headers: { cookie: `tessera_refresh=${refreshCookie!.value}`, 'x-csrf-token': csrfCookie!.value },
    });
    expect(stolen.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, PAST_EXPIRY_MS));

    // The page's refresh presents the rotated token after the grace window: reuse, and the server revokes the
    // session. The calls whose 401 token_expired came before that reject with the refusal (invalid_grant); a call
    // that reached the server after it gets 401 invalid_token (revoked) and rejects with that. None is replayed.
    await page.getByRole('button', { name: 'Get 5 numbers at once' }).click();
    await expect.poll(() => results(page)).toHaveLength(5);
    for (const text of await results(page)) expect(['number refused: invalid_grant', 'number refused: 401 invalid_token']).toContain(text);
    expect(await results(page)).toContain('number refused: invalid_grant');
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Your session has ended. Please log in again.');
    // The browser may report the last responses a moment after the page has shown their outcome.
    await expect.poll(() => count(wire.events, 'number 401')).toBe(5);
    const after = afterFirst401(wire);
    expect(after.filter((e) => e !== 'number 401')).toEqual(['refresh 401']);
    // The thief's token died with the session.
    const thief = (await stolen.json()) as { accessToken: string };
    const refused = await fetch(`${tessera.url}/api/number`, { headers: { authorization: `Bearer ${thief.accessToken}` } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: 'invalid_token' });
    await context.close();
  });

  test('a session revoked elsewhere: 401 invalid_token is not refreshed or retried, the login form returns', async () => {
    const { context, page, wire } = await openPage();
    const email = await signUp(page);

    // The same user, on another device, logs out everywhere: the page's access token, not yet expired, is refused.
    const login = await fetch(`${tessera.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD, transport: 'body' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const everywhere = await fetch(`${tessera.url}/auth/logout-all`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` } });
    expect(everywhere.status).toBe(204);

    await page.getByRole('button', { name: 'Get 5 numbers at once' }).click();
    await expect.poll(() => results(page)).toHaveLength(5);
    expect(await results(page)).toEqual(Array(5).fill('number refused: 401 invalid_token'));
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Your session has ended. Please log in again.');
    // Nothing but the five 401s: no refresh, no replay. (A refresh the page made ahead of time, before its timers
    // stopped, came before them.)
    await expect.poll(() => count(wire.events, 'number 401')).toBe(5);
    expect(afterFirst401(wire)).toEqual(Array(5).fill('number 401'));
    await context.close();
  });
});
