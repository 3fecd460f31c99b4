import { generateKeyPairSync, createHash, randomUUID, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { countRequests, createAccount, DESKTOP, launchChromium, logIn, navTo, ROOT, requireBuild, startTessera, stopTimers, type Tessera } from './harness.js';

// Device-bound sessions (DPoP, RFC 9449) in a real Chromium against the real server (3-second access tokens):
// the demo's client makes a non-extractable key, keeps it in IndexedDB and signs a proof for every refresh and
// API call. Another "device" (a second browser context, its own profile) holding copies of the refresh cookie
// and the access token gets nowhere, and its attempt ends the session.

let tessera: Tessera;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  [tessera, browser] = await Promise.all([startTessera({ TESSERA_LOG_LEVEL: 'info' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
});

const numberCount = (page: Page) => page.getByTestId('number-count');

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(10_000);
  return context;
}

/** The requests a context sent to one path, latest last. */
function recordRequests(context: BrowserContext, pathname: string): Request[] {
  const seen: Request[] = [];
  context.on('request', (request) => {
    if (new URL(request.url()).pathname === pathname) seen.push(request);
  });
  return seen;
}

/** What the page's IndexedDB holds for the client's DPoP key. */
function storedKey(page: Page) {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open('tessera-dpop');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const names = [...db.objectStoreNames];
    if (!names.includes('keys')) return null;
    const pair = await new Promise<CryptoKeyPair | undefined>((resolve, reject) => {
      const request = db.transaction('keys').objectStore('keys').get(location.origin);
      request.onsuccess = () => resolve(request.result as CryptoKeyPair | undefined);
      request.onerror = () => reject(request.error);
    });
    db.close();
    if (pair === undefined) return null;
    const exported = await crypto.subtle.exportKey('jwk', pair.privateKey).then(
      () => 'exported',
      (error: unknown) => (error as Error).name,
    );
    const { crv, kty, x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
    return { extractable: pair.privateKey.extractable, curve: (pair.privateKey.algorithm as EcKeyAlgorithm).namedCurve, exported, jwk: { crv, kty, x, y } };
  });
}

function thumbprint(jwk: { crv?: string; kty?: string; x?: string; y?: string }): string {
  return createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
}

/** A proof signed by a key of the thief's own (what a second device could make), for one request. */
function thiefProof(method: string, url: string, accessToken: string): string {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const ath = createHash('sha256').update(accessToken).digest('base64url');
  const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${encode({ jti: randomUUID(), htm: method, htu: url, iat: Math.floor(Date.now() / 1000), ath })}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

describe('device-bound sessions in Chromium', () => {
  test('the key is made at login, cannot be read, survives reloads, and signs every refresh and API call', async () => {
    const account = await createAccount(tessera.url);
    const context = await newContext();
    const calls = recordRequests(context, '/api/number');
    const refreshes = recordRequests(context, '/auth/refresh');
    const page = await context.newPage();
    await logIn(page, tessera.url, account);
    // The login page's restore (no session yet, no key) is not what this test is about.
    refreshes.length = 0;

    const key = await storedKey(page);
    expect(key).toMatchObject({ extractable: false, curve: 'P-256', exported: 'InvalidAccessError' });
    expect(await page.getByTestId('session-binding').textContent()).toMatch(/^Bound to a key only this browser holds/);

    await navTo(page, 'Get number');
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(page).textContent()).toBe('1 number received');
    const headers = await calls.at(-1)!.allHeaders();
    expect(headers.authorization).toMatch(/^DPoP [\w-]+\.[\w-]+\.[\w-]+$/);
    const token = headers.authorization!.slice('DPoP '.length);
    expect(claimsOf(token).cnf).toEqual({ jkt: thumbprint(key!.jwk) });
    expect(headers.dpop).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);

    // Outlive several access tokens (the page refreshes on its own), then reload: the key is still there, the
    // cookie and a proof by that key bring the session back, and calls keep working.
    await page.waitForTimeout(4_000);
    await page.reload();
    await page.getByRole('button', { name: 'Get number' }).waitFor();
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(page).textContent()).toBe('1 number received');
    expect((await storedKey(page))?.jwk).toEqual(key!.jwk);
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    for (const refresh of refreshes) expect((await refresh.allHeaders()).dpop).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // Every request carried a proof of its own.
    const proofs = await Promise.all([...calls, ...refreshes].map(async (request) => (await request.allHeaders()).dpop));
    expect(new Set(proofs).size).toBe(proofs.length);
    expect(tessera.auditEvents().filter((event) => event.type === 'stolen_token_detected' || event.type === 'reuse_detected')).toHaveLength(0);
    // The sessions page says so too.
    await navTo(page, 'Sessions');
    await expect.poll(() => page.getByTestId('session').filter({ hasText: 'This device' }).textContent()).toContain('Bound to device');
    await context.close();
  });

  test('copies of the refresh cookie and the access token on another device are refused, and the session ends', async () => {
    const account = await createAccount(tessera.url);
    const laptop = await newContext();
    const calls = recordRequests(laptop, '/api/number');
    const page = await laptop.newPage();
    await page.clock.install();
    await logIn(page, tessera.url, account);
    await navTo(page, 'Get number');
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(page).textContent()).toBe('1 number received');
    // Stop the laptop's timers: what the test watches is its next call, not a background refresh.
    await stopTimers(page);
    const token = (await calls.at(-1)!.allHeaders()).authorization!.slice('DPoP '.length);

    // Malware copies the cookies and the access token to another machine: another profile with no key.
    const thief = await newContext();
    await thief.addCookies(await laptop.cookies());
    const thiefPage = await thief.newPage();
    await thiefPage.goto(`${tessera.url}/favicon.ico`).catch(() => undefined);
    const url = `${tessera.url}/api/number`;
    // The access token is refused as Bearer, as DPoP without a proof, and with a proof by the thief's own key…
    const statuses = await thiefPage.evaluate(
      async ({ url, token, proof }) => {
        const tries: Array<Record<string, string>> = [{ authorization: `Bearer ${token}` }, { authorization: `DPoP ${token}` }, { authorization: `DPoP ${token}`, dpop: proof }];
        return Promise.all(tries.map(async (headers) => (await fetch(url, { headers })).status));
      },
      { url, token, proof: thiefProof('GET', url, token) },
    );
    expect(statuses).toEqual([401, 401, 401]);
    // …and none of that touched the laptop's session.
    await page.getByRole('button', { name: 'Get number' }).click();
    await expect.poll(() => numberCount(page).textContent()).toBe('2 numbers received');

    // The thief opens the app with the copied refresh cookie: its refresh has no proof by the key, so it is
    // refused, and the server ends the session as stolen.
    const refused = thiefPage.waitForResponse((response) => new URL(response.url()).pathname === '/auth/refresh');
    await thiefPage.goto(`${tessera.url}/profile`);
    expect((await refused).status()).toBe(401);
    await thiefPage.getByRole('button', { name: 'Log in' }).waitFor();
    await expect.poll(() => tessera.auditEvents().filter((event) => event.type === 'stolen_token_detected').length).toBeGreaterThanOrEqual(1);

    // The laptop's next call finds the session ended (revocation is immediate, its token has not expired yet).
    await page.getByRole('button', { name: 'Get number' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await laptop.close();
    await thief.close();
  });

  test('two tabs whose tokens expired press at the same moment: one key, both get their number, nobody is logged out', async () => {
    const account = await createAccount(tessera.url);
    const alarms = () => tessera.auditEvents().filter((event) => event.type === 'stolen_token_detected' || event.type === 'reuse_detected').length;
    const alarmsBefore = alarms();
    const context = await newContext();
    const refreshes = countRequests(context, '/auth/refresh');
    const calls = recordRequests(context, '/api/number');
    const [tabA, tabB] = [await context.newPage(), await context.newPage()];
    for (const tab of [tabA, tabB]) await tab.clock.install();
    await logIn(tabA, tessera.url, account);
    await tabB.goto(`${tessera.url}/number`);
    await navTo(tabA, 'Get number');
    for (const tab of [tabA, tabB]) {
      await tab.getByRole('button', { name: 'Get number' }).waitFor();
      await stopTimers(tab);
    }
    await new Promise((resolve) => setTimeout(resolve, 3_600));
    refreshes.reset();
    await Promise.all([tabA, tabB].map((tab) => tab.getByRole('button', { name: 'Get number' }).click()));
    for (const tab of [tabA, tabB]) await expect.poll(() => numberCount(tab).textContent()).toBe('1 number received');
    expect(refreshes.count).toBeGreaterThanOrEqual(1);
    expect(refreshes.count).toBeLessThanOrEqual(2);
    const schemes = await Promise.all(calls.map(async (request) => (await request.allHeaders()).authorization?.split(' ')[0]));
    expect(new Set(schemes)).toEqual(new Set(['DPoP']));
    expect(alarms()).toBe(alarmsBefore);
    await context.close();
  });
});

describe('the axios example, bound', () => {
  const EXAMPLE = path.join(ROOT, 'examples/axios-spa');
  const ENTRY = path.join(EXAMPLE, 'dist-server/main.js');
  let example: Tessera;
  beforeAll(async () => {
    if (!existsSync(ENTRY)) throw new Error(`${path.relative(ROOT, ENTRY)} is missing: run \`npm run build\` (or \`npm test\`) first.`);
    example = await startTessera({ TESSERA_ACCESS_TTL: '2s' }, [ENTRY]);
  });
  afterAll(async () => {
    await example?.stop();
  });

  test('five calls with an expired token: one refresh with a proof, five numbers, every request its own proof', async () => {
    const context = await newContext();
    const calls = recordRequests(context, '/api/number');
    const refreshes = countRequests(context, '/auth/refresh');
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(example.url);
    await stopTimers(page);
    await page.getByLabel('Email').fill(`axios.dpop.${process.pid}.${Date.now()}@example.com`);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByTestId('me-email').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    refreshes.reset();
    await page.getByRole('button', { name: 'Get 5 numbers at once' }).click();
    await expect.poll(() => page.getByTestId('results').locator('li').count()).toBe(5);
    const results = await page.getByTestId('results').locator('li').allTextContents();
    for (const text of results) expect(text).toMatch(/^number \d+$/);
    expect(refreshes.count).toBe(1);
    const headers = await Promise.all(calls.map((request) => request.allHeaders()));
    for (const sent of headers) expect(sent.authorization).toMatch(/^DPoP /);
    expect(new Set(headers.map((sent) => sent.dpop)).size).toBe(headers.length);
    await context.close();
  });
});
