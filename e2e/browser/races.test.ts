import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAccount, DESKTOP, launchChromium, logIn, navTo, requireBuild, startTessera, stopTimers, type Tessera } from './harness.js';

// Races between tabs, in a real Chromium: two renderer processes, a real BroadcastChannel and real Web Locks,
// whose messages and grants arrive in no promised order.

let tessera: Tessera;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  // 2-second access tokens: a test lets one expire many times over; info-level logs carry every refresh event.
  [tessera, browser] = await Promise.all([startTessera({ TESSERA_ACCESS_TTL: '2s', TESSERA_LOG_LEVEL: 'info' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(10_000);
  return context;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const numberCount = (page: Page) => page.getByTestId('number-count').textContent();
const received = (n: number) => `${n} ${n === 1 ? 'number' : 'numbers'} received`;

/**
 * What tabs tell each other (BroadcastChannel) and who holds the refresh lock (Web Locks) travel over separate
 * channels, so a tab may be granted the lock before it has read the message the previous holder sent just before
 * releasing it. A busy machine makes that common; this makes it certain: in every page, each BroadcastChannel
 * message reaches its listeners `ms` late (real time, whatever the page's clock does).
 */
function lateMessages(ms: number): string {
  return `(() => {
    const realSetTimeout = window.setTimeout.bind(window);
    const add = BroadcastChannel.prototype.addEventListener;
    BroadcastChannel.prototype.addEventListener = function (type, listener, options) {
      if (type !== 'message') return add.call(this, type, listener, options);
      return add.call(this, type, (event) => realSetTimeout(() => listener.call(this, event), ${ms}), options);
    };
  })();`;
}

/** Two tabs of one browser on "Get number", one account, their timers stopped (no proactive refresh). */
async function twoTabsOnNumber(context: BrowserContext) {
  const account = await createAccount(tessera.url);
  await context.addInitScript(lateMessages(150));
  const tabA = await context.newPage();
  const tabB = await context.newPage();
  await Promise.all([tabA.clock.install(), tabB.clock.install()]);
  await logIn(tabA, tessera.url, account);
  await navTo(tabA, 'Get number');
  await tabB.goto(`${tessera.url}/number`);
  await Promise.all([tabA, tabB].map((tab) => tab.getByRole('button', { name: 'Get number' }).waitFor()));
  await Promise.all([stopTimers(tabA), stopTimers(tabB)]);
  return { account, tabA, tabB };
}

describe('tabs racing each other', () => {
  test('two tabs with expired tokens press at the same moment: both get their number, every time', async () => {
    const context = await newContext();
    const { account, tabA, tabB } = await twoTabsOnNumber(context);
    const statuses: string[] = [];
    context.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (pathname === '/api/number' || pathname === '/auth/refresh') statuses.push(`${pathname} ${response.status()}`);
    });

    // Both presses meet the expiry: the first refresh goes out only once both tabs have had their 401, so the
    // other tab is waiting for the refresh lock meanwhile. A second refresh, should a tab send one, is slow.
    let expired = 0;
    let refreshes = 0;
    let bothExpired = () => {};
    context.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/number' && response.status() === 401 && ++expired === 2) bothExpired();
    });
    await context.route('**/auth/refresh', async (route) => {
      if (++refreshes === 1 && expired < 2) await new Promise<void>((resolve) => (bothExpired = resolve));
      if (refreshes > 1) await sleep(400);
      await route.continue();
    });

    for (let round = 1; round <= 8; round++) {
      expired = 0;
      refreshes = 0;
      // Let the shared access token expire for real (the server's clock); the pages' clocks stay stopped.
      await sleep(2_100);
      statuses.length = 0;
      await Promise.all([tabA, tabB].map((tab) => tab.getByRole('button', { name: 'Get number' }).click()));
      for (const tab of [tabA, tabB]) {
        await expect.poll(() => numberCount(tab), { message: `round ${round}` }).toBe(received(round));
        expect(await tab.getByRole('alert').count()).toBe(0);
        expect(await tab.getByTestId('current-user').textContent()).toBe(account.email);
      }
      // One tab refreshed; the other took the token it shared instead of rotating the cookie again.
      expect(statuses.filter((entry) => entry.startsWith('/auth/refresh')), `round ${round}`).toEqual(['/auth/refresh 200']);
    }
    await context.close();
  }, 90_000);

  test('proactive refresh in two open tabs: one rotation per cycle, the other tab takes the shared token', async () => {
    const context = await newContext();
    await context.addInitScript(lateMessages(150));
    const account = await createAccount(tessera.url);
    const tabA = await context.newPage();
    const tabB = await context.newPage();
    const tabs = [tabA, tabB];
    await Promise.all(tabs.map((tab) => tab.clock.install()));
    await logIn(tabA, tessera.url, account);
    await tabB.goto(`${tessera.url}/number`);
    await tabB.getByRole('button', { name: 'Get number' }).waitFor();
    // Both pages' clocks stop at the same instant; from here on they move together, in steps, in step with real
    // time (the server's tokens expire by it). Both tabs hold the same token, so their timers are due together.
    const pausedAt = Date.now() + 300;
    await Promise.all(tabs.map((tab) => tab.clock.pauseAt(pausedAt)));
    await sleep(Math.max(0, pausedAt - Date.now()));
    const firstEvent = tessera.auditEvents().length;

    // Steps shorter than the client's minimum gap between two proactive refreshes (1 s): in one step a tab's
    // timer fires at most once, so two rotations in one step are two tabs rotating back to back.
    const steps: number[] = [];
    for (let step = 0; step < 16; step++) {
      await sleep(500);
      const now = Date.now();
      steps.push(now);
      // pauseAt runs the timers due on the way and stops there again (runFor would leave the clock running).
      await Promise.all(tabs.map((tab) => tab.clock.pauseAt(now)));
    }
    await sleep(1_000);
    steps.push(Date.now());

    const refreshes = tessera.auditEvents().slice(firstEvent).filter((event) => event.type === 'refresh');
    const rotations = refreshes.filter((event) => event.grace === false);
    const perStep = steps.slice(0, -1).map((start, i) => rotations.filter((event) => Date.parse(event.at) >= start && Date.parse(event.at) < steps[i + 1]!).length);
    // 8 seconds of 2-second tokens renewed 1 s before they expire: about eight cycles.
    expect(rotations.length, `rotations per step: ${perStep.join(' ')}`).toBeGreaterThanOrEqual(5);
    expect(perStep.filter((count) => count > 1), `rotations per step: ${perStep.join(' ')}`).toEqual([]);
    // The waiting tab did not even send a refresh for the server's grace window to absorb.
    expect(refreshes.filter((event) => event.grace !== false)).toEqual([]);

    // Both tabs are still signed in with a working token.
    await Promise.all(tabs.map((tab) => tab.clock.resume()));
    for (const tab of tabs) {
      await tab.goto(`${tessera.url}/number`);
      await tab.getByRole('button', { name: 'Get number' }).click();
      await expect.poll(() => numberCount(tab)).toBe(received(1));
    }
    await context.close();
  }, 60_000);
});
