import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DESKTOP, launchChromium, PASSWORD, ROOT, startTessera, stopTimers, type Tessera } from './harness.js';

// examples/graphql-react in a real Chromium: urql sends its GraphQL requests through @tessera/client's fetch,
// which refreshes on a 401 token_expired from POST /graphql and retries, without the user noticing.

const EXAMPLE = path.join(ROOT, 'examples/graphql-react');
const ENTRY = path.join(EXAMPLE, 'dist-server/main.js');

let tessera: Tessera;
let browser: Browser;

beforeAll(async () => {
  for (const file of [path.join(EXAMPLE, 'dist/index.html'), ENTRY]) {
    if (!existsSync(file)) throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run build\` (or \`npm test\`) first.`);
  }
  // Two-second access tokens, so the test can outlive one.
  [tessera, browser] = await Promise.all([startTessera({ TESSERA_ACCESS_TTL: '2s' }, [ENTRY]), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
});

describe('the GraphQL example in Chromium', () => {
  test('sign up, query me, outlive the access token, query again: one refresh, no login prompt', async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    // Network events in the order the browser reports them: a refresh sent ahead of time (a proactive one that
    // fired before the timers stopped) is reported before the 401, however late its event is delivered.
    const network: string[] = [];
    context.on('request', (request) => {
      if (new URL(request.url()).pathname === '/auth/refresh') network.push('refresh');
    });
    const graphqlStatuses: number[] = [];
    const page = await context.newPage();
    page.on('response', (response) => {
      if (new URL(response.url()).pathname !== '/graphql') return;
      graphqlStatuses.push(response.status());
      network.push(`graphql ${response.status()}`);
    });
    await page.clock.install();
    await page.goto(tessera.url);
    // The page's timers stop before signing up, so the client cannot refresh ahead of time (a 2 s token is due a
    // second after it arrives): only the server's 401 tells it.
    await stopTimers(page);

    const email = `grace.${process.pid}.${Date.now()}@example.com`;
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await expect.poll(() => page.getByTestId('me-email').textContent()).toBe(email);
    expect(graphqlStatuses).toEqual([200]);

    // The server's clock is real: wait until the two-second token (issued before the first query) has expired there.
    await new Promise((resolve) => setTimeout(resolve, 2_100));

    await page.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => graphqlStatuses.length).toBe(3);
    expect(graphqlStatuses).toEqual([200, 401, 200]);
    await expect.poll(() => page.getByTestId('loaded-at').textContent()).toBe('loaded ok');
    expect(await page.getByTestId('me-email').textContent()).toBe(email);
    expect(await page.getByRole('form', { name: 'Sign in' }).count()).toBe(0);
    // Exactly one refresh answered the 401, and the query was retried after it.
    const after401 = network.slice(network.indexOf('graphql 401'));
    expect(after401).toEqual(['graphql 401', 'refresh', 'graphql 200']);
    await context.close();
  });
});
