import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAccount, DESKTOP, launchChromium, navTo, PASSWORD, PHONE, requireBuild, screenshot, startTessera, type Tessera } from './harness.js';

// Every page of the demo, at desktop and at phone width: the forms work, errors read as sentences, and a
// screenshot of each lands in artifacts/screenshots/ for a person to look at.

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

async function alertText(page: Page): Promise<string | null> {
  const alert = page.getByRole('alert');
  await alert.waitFor();
  return alert.textContent();
}

/** The page is no wider than the viewport: nothing sticks out sideways on a phone. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
  describe(`every page at ${label} width (${viewport.width}px)`, () => {
    test('signup, login, profile, number, sessions, password, logout', async () => {
      const context = await browser.newContext({ viewport, ...(label === 'phone' ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
      const page = await context.newPage();
      context.setDefaultTimeout(10_000);
      const shot = async (name: string) => {
        await screenshot(page, `${label}-${name}`);
        await expectNoSidewaysScroll(page);
      };
      const taken = await createAccount(tessera.url, 'Taken');
      const email = `grace.${label}.${Date.now()}@example.com`;

      await page.goto(`${tessera.url}/`);
      await page.waitForURL(/\/login$/);
      await shot('login');
      await page.getByLabel('Email').fill(taken.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      expect(await alertText(page)).toBe("That email and password don't match.");
      await shot('login-error');

      await page.getByRole('link', { name: 'Sign up' }).click();
      await page.getByLabel('Name').fill('Grace Hopper');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await shot('signup');
      await page.getByLabel('Email').fill(taken.email);
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(await alertText(page)).toBe('There is already an account with this email. Log in instead?');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toBe('The password must be at least 8 characters long.');
      await shot('signup-error');
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Create account' }).click();

      await page.getByTestId('profile-email').waitFor();
      expect(new URL(page.url()).pathname).toBe('/profile');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Hello, Grace Hopper');
      await shot('profile');

      await navTo(page, 'Get number');
      await shot('number-empty');
      await page.getByRole('button', { name: 'Get number' }).click();
      await expect.poll(() => page.getByTestId('number-count').textContent()).toBe('1 number received');
      await shot('number');

      await navTo(page, 'Sessions');
      await expect.poll(() => page.getByTestId('session').count()).toBe(1);
      expect(await page.getByTestId('session').textContent()).toContain('This device');
      await shot('sessions');

      await navTo(page, 'Password');
      await page.getByLabel('Current password', { exact: true }).fill('wrong password');
      await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
      await page.getByLabel('Repeat new password').fill('a brand new passphrase');
      await page.getByRole('button', { name: 'Change password' }).click();
      expect(await alertText(page)).toBe('The current password is incorrect.');
      await shot('password-error');
      await page.getByLabel('Current password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('status').waitFor();
      expect(await page.getByRole('status').textContent()).toContain('Your password has been changed.');
      await shot('password');

      await page.goto(`${tessera.url}/no/such/page`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await shot('not-found');

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.waitForURL(/\/login/);
      await page.goto(`${tessera.url}/sessions`);
      await page.waitForURL(/\/login\?next=%2Fsessions$/);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('a brand new passphrase');
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL(/\/sessions$/);
      await context.close();
    });
  });
}
