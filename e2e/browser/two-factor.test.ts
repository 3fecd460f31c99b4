import type { Browser } from 'playwright-core';
import { URI, type TOTP } from 'otpauth';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAccount, launchChromium, logIn, navTo, requireBuild, screenshot, startTessera, type Tessera } from './harness.js';

// Two-factor authentication in the demo, as a person does it: scan (here: read) the otpauth URI the page shows,
// type the app's code, save the recovery codes; log out, log in, and pass the second-factor page with a code,
// then with a recovery code, which works only once.

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

test('enable TOTP in the demo, then log in with a code and with a recovery code (once), and renew the recovery codes', async () => {
  const context = await browser.newContext();
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const account = await createAccount(tessera.url, 'Two Factor');
  await logIn(page, tessera.url, account);

  await navTo(page, 'Two-factor');
  await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
  await page.getByTestId('two-factor-qr').waitFor();
  expect(await page.getByTestId('two-factor-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
  const uri = await page.getByTestId('otpauth-uri').getAttribute('href');
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const totp = URI.parse(uri!) as TOTP;
  expect(await page.getByTestId('two-factor-secret').textContent()).toBe(totp.secret.base32);
  await screenshot(page, 'two-factor-setup');
  await page.getByLabel('Code from the app').fill(totp.generate());
  await page.getByRole('button', { name: 'Turn on' }).click();
  const recoveryCodes = (await page.getByTestId('recovery-codes').locator('code').allTextContents()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  await page.getByTestId('two-factor-status').filter({ hasText: 'On. 10 recovery codes left.' }).waitFor();
  await screenshot(page, 'two-factor-recovery-codes');

  const logOutAndEnterPassword = async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/login\/two-factor/);
  };

  // The code that turned it on is spent; the next step's code (inside the ±1 step window) signs in.
  await logOutAndEnterPassword();
  await screenshot(page, 'two-factor-login');
  await page.getByLabel('Code').fill(totp.generate({ timestamp: Date.now() + 30_000 }));
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('profile-email').waitFor();
  expect(await page.getByTestId('profile-email').textContent()).toBe(account.email);

  // A recovery code signs in once...
  await logOutAndEnterPassword();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('profile-email').waitFor();

  // ...and never again.
  await logOutAndEnterPassword();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  expect(await page.getByRole('alert').textContent()).toBe("That code isn't right, or it was already used. Wait for the next code and try again.");
  await page.getByLabel('Recovery code').fill(recoveryCodes[1]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('profile-email').waitFor();

  // Eight left: a new set, confirmed with the password, replaces them all.
  await navTo(page, 'Two-factor');
  await page.getByTestId('two-factor-status').filter({ hasText: 'On. 8 recovery codes left.' }).waitFor();
  await page.getByLabel('Or your password').fill(account.password);
  await page.getByRole('button', { name: 'Get new recovery codes' }).click();
  await page.getByTestId('two-factor-status').filter({ hasText: 'On. 10 recovery codes left.' }).waitFor();
  const renewed = (await page.getByTestId('recovery-codes').locator('code').allTextContents()).map((c) => c.trim());
  expect(renewed).toHaveLength(10);
  expect(renewed.filter((c) => recoveryCodes.includes(c))).toEqual([]);
  await logOutAndEnterPassword();
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByLabel('Recovery code').fill(recoveryCodes[2]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByRole('alert').waitFor();
  await page.getByLabel('Recovery code').fill(renewed[0]!);
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByTestId('profile-email').waitFor();
  await context.close();
});
