import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { countRequests, createAccount, DESKTOP, launchChromium, logIn, navTo, PASSWORD, requireBuild, screenshot, startTessera, stopTimers, type Tessera } from './harness.js';

// "Stay logged in without noticing", in a real Chromium against the real server (3-second access tokens).

const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let tessera: Tessera;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  [tessera, browser] = await Promise.all([startTessera(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
});

const numberCount = (page: Page) => page.getByTestId('number-count');
const ENDED_ELSEWHERE =
  'You were signed out because your session was ended elsewhere: "Log out everywhere" on another device, a revoked session or a password change. Please log in again.';

async function newContext(options: { userAgent?: string } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP, ...options });
  // Fail with Playwright's own message (what it was waiting for) well before the test's timeout.
  context.setDefaultTimeout(10_000);
  return context;
}

/**
 * One account logged in on a laptop (tab A) and on a phone (tab B, Safari's user agent) that sits on "Get number"
 * with its timers stopped: the phone's background refresh would find out about a revocation on its own within a
 * second, so what the tests watch is the phone's next call.
 */
async function laptopAndPhone() {
  const account = await createAccount(tessera.url);
  const laptop = await newContext();
  const phone = await newContext({ userAgent: IPHONE_UA });
  const tabA = await laptop.newPage();
  const tabB = await phone.newPage();
  await tabB.clock.install();
  await logIn(tabA, tessera.url, account);
  await logIn(tabB, tessera.url, account);
  await navTo(tabB, 'Get number');
  await stopTimers(tabB);
  return { laptop, phone, tabA, tabB };
}

describe('the demo in Chromium', () => {
  test('five quick presses with an expired access token send exactly one refresh; a reload stays logged in', async () => {
    const account = await createAccount(tessera.url);
    const context = await newContext();
    const refreshes = countRequests(context, '/auth/refresh');
    const page = await context.newPage();
    const numbers: number[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/number') numbers.push(response.status());
    });
    // The page's timers run on a clock the test can stop: a laptop lid closed, a tab frozen in the background.
    await page.clock.install();
    await logIn(page, tessera.url, account);
    await navTo(page, 'Get number');
    await page.getByRole('button', { name: 'Get number' }).waitFor();

    // Stop the page's clock (so no timer refreshes the token ahead of time), then let the token expire for real.
    // The clock stays stopped during the presses: only the requests themselves can discover the expiry.
    await stopTimers(page);
    await new Promise((resolve) => setTimeout(resolve, 3_600));
    refreshes.reset();

    const button = page.getByRole('button', { name: 'Get number' });
    for (let i = 0; i < 5; i++) await button.click();
    await expect.poll(() => numberCount(page).textContent(), { timeout: 10_000 }).toBe('5 numbers received');
    await page.clock.resume();
    expect(refreshes.count).toBe(1);
    expect(numbers.filter((status) => status === 200)).toHaveLength(5);
    // The token really had expired: the server answered token_expired (401) at least once, and nothing else failed.
    expect(numbers.filter((status) => status !== 200).length).toBeGreaterThanOrEqual(1);
    expect(numbers.every((status) => status === 200 || status === 401)).toBe(true);
    const value = Number(await page.getByTestId('number').textContent());
    expect(value).toBeGreaterThanOrEqual(1);
    expect(value).toBeLessThanOrEqual(10);
    await expect.poll(() => page.getByRole('alert').count()).toBe(0);

    // A reload forgets the in-memory access token; the httpOnly cookie brings the session back.
    await page.reload();
    await page.getByRole('button', { name: 'Get number' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/number');
    expect(await page.getByTestId('current-user').textContent()).toBe(account.email);
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(page).textContent()).toBe('1 number received');
    await context.close();
  });

  test('stays logged in while idle: background refreshes keep the token fresh', async () => {
    const account = await createAccount(tessera.url);
    const context = await newContext();
    const refreshes = countRequests(context, '/auth/refresh');
    const page = await context.newPage();
    await logIn(page, tessera.url, account);
    await navTo(page, 'Get number');
    refreshes.reset();
    await page.waitForTimeout(7_000); // more than two access-token lifetimes
    expect(refreshes.count).toBeGreaterThanOrEqual(2);
    // exp is in whole seconds, so a 3 s token is renewed about once a second: a steady pace, never a storm.
    expect(refreshes.count).toBeLessThanOrEqual(10);
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(page).textContent()).toBe('1 number received');
    await context.close();
  });

  test('two tabs: logging out in one logs the other out within 2 seconds', async () => {
    const account = await createAccount(tessera.url);
    const context = await newContext();
    const tabA = await context.newPage();
    await logIn(tabA, tessera.url, account);
    const tabB = await context.newPage();
    await tabB.goto(`${tessera.url}/number`);
    await tabB.getByRole('button', { name: 'Get number' }).waitFor();

    await tabA.getByRole('button', { name: 'Log out' }).click();
    await tabA.waitForURL(/\/login/);
    await tabB.waitForURL(/\/login/, { timeout: 2_000 });
    await tabB.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 1_000 });
    await context.close();
  });

  test('"Log out everywhere" on one device sends the other device to the login page on its next call', async () => {
    const { laptop, phone, tabA, tabB } = await laptopAndPhone();
    await tabB.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(tabB).textContent()).toBe('1 number received');

    await navTo(tabA, 'Sessions');
    await expect.poll(() => tabA.getByTestId('session').count()).toBe(2);
    await expect.poll(() => tabA.getByText('Safari on iPhone').count()).toBe(1);
    await expect.poll(() => tabA.getByText('This device').count()).toBe(1);
    await screenshot(tabA, 'desktop-sessions-two-devices');
    await tabA.getByRole('button', { name: 'Log out everywhere' }).click();
    await tabA.getByRole('button', { name: 'Yes, log out everywhere' }).click();
    await tabA.waitForURL(/\/login/);

    await tabB.getByRole('button', { name: 'Get number' }).click();
    await tabB.waitForURL(/\/login/, { timeout: 5_000 });
    await tabB.getByRole('button', { name: 'Log in' }).waitFor();
    // The phone's user learns why they are looking at the login form.
    expect(await tabB.getByTestId('signed-out-notice').textContent()).toBe(ENDED_ELSEWHERE);
    await screenshot(tabB, 'desktop-login-signed-out-elsewhere');
    await laptop.close();
    await phone.close();
  });

  test('revoking one session from the list ends it for that device only', async () => {
    const { laptop, phone, tabA, tabB } = await laptopAndPhone();
    await navTo(tabA, 'Sessions');
    await expect.poll(() => tabA.getByTestId('session').count()).toBe(2);
    await tabA.getByRole('button', { name: 'Revoke Safari on iPhone session' }).click();
    await expect.poll(() => tabA.getByTestId('session').count()).toBe(1);

    await tabB.getByRole('button', { name: 'Get number' }).click();
    await tabB.waitForURL(/\/login/, { timeout: 5_000 });
    expect(await tabB.getByTestId('signed-out-notice').textContent()).toBe(ENDED_ELSEWHERE);
    await navTo(tabA, 'Get number');
    await tabA.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(tabA).textContent()).toBe('1 number received');
    await laptop.close();
    await phone.close();
  });

  test('a password changed on another device signs this one out with the reason, and a login clears it', async () => {
    const { laptop, phone, tabA, tabB } = await laptopAndPhone();
    // A second tab on the phone, its timers stopped too: it can only hear of the end from tab B.
    const tabC = await phone.newPage();
    await tabC.clock.install();
    await tabC.goto(`${tessera.url}/profile`);
    await tabC.getByTestId('profile-email').waitFor();
    await stopTimers(tabC);
    await navTo(tabA, 'Password');
    await tabA.getByLabel('Current password', { exact: true }).fill(PASSWORD);
    await tabA.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
    await tabA.getByLabel('Repeat new password').fill('a brand new passphrase');
    await tabA.getByRole('button', { name: 'Change password' }).click();
    await tabA.getByRole('status').waitFor();

    await tabB.getByRole('button', { name: 'Get number' }).click();
    await tabB.waitForURL(/\/login/, { timeout: 5_000 });
    expect(await tabB.getByTestId('signed-out-notice').textContent()).toBe(ENDED_ELSEWHERE);
    await tabC.waitForURL(/\/login/, { timeout: 2_000 });
    expect(await tabC.getByTestId('signed-out-notice').textContent()).toBe(ENDED_ELSEWHERE);
    const email = await tabA.getByTestId('current-user').textContent();
    await tabB.getByLabel('Email').fill(email!);
    await tabB.getByLabel('Password').fill('a brand new passphrase');
    await tabB.getByRole('button', { name: 'Log in' }).click();
    await tabB.getByTestId('current-user').waitFor();
    expect(await tabB.getByTestId('signed-out-notice').count()).toBe(0);
    await tabB.getByRole('button', { name: 'Log out' }).click();
    await tabB.waitForURL(/\/login/);
    // A logout of one's own needs no explanation: the old notice is gone.
    await tabB.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await tabB.getByTestId('signed-out-notice').count()).toBe(0);
    await laptop.close();
    await phone.close();
  });

  test('"Log out" while the server is unreachable: the page says so, and the next load ends the session before anything else', async () => {
    const account = await createAccount(tessera.url);
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, tessera.url, account);
    const cookie = async (name: string) => (await context.cookies()).find((c) => c.name === name)?.value;
    const refreshCookie = await cookie('tessera_refresh');
    const csrfToken = await cookie('tessera_csrf');
    expect(refreshCookie).toBeTruthy();

    // The network fails the logout (a dropped connection, the server down): nothing reaches the server.
    await context.route('**/auth/logout', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await expect.poll(() => page.getByTestId('signed-out-notice').textContent()).toBe(
      "You're logged out on this device, but we couldn't reach the server to end your session there. It will be ended as soon as the server answers; until then this device won't sign you back in.",
    );
    expect(await page.getByTestId('current-user').count()).toBe(0);

    // The server is back; a plain reload (the next person at a shared computer) must not sign the account in.
    await context.unroute('**/auth/logout');
    const calls: string[] = [];
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname.startsWith('/auth/')) calls.push(`${response.request().method()} ${pathname} ${response.status()}`);
    });
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await expect.poll(() => calls[0]).toBe('POST /auth/logout 204');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getByTestId('current-user').count()).toBe(0);
    // Nothing came back to life: no refresh succeeded, and the session is revoked on the server.
    expect(calls.filter((call) => call.startsWith('POST /auth/refresh 200'))).toEqual([]);
    const retry = await fetch(`${tessera.url}/auth/refresh`, { method: 'POST', headers: { cookie: `tessera_refresh=${refreshCookie}`, 'x-csrf-token': csrfToken ?? '' } });
    expect(retry.status).toBe(401);
    expect(((await retry.json()) as { error: string }).error).toBe('invalid_grant');
    // And the owed logout is settled: another reload sends no second one.
    calls.length = 0;
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(calls.filter((call) => call.includes('/auth/logout'))).toEqual([]);
    await context.close();
  });
});
