import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, logIn, PASSWORD, requireBuild, screenshot, startTessera, type Tessera } from './harness.js';

// Email verification and password reset through the demo, as a person does it: the mail arrives in the
// development outbox (no SMTP configured), its link opens the demo's page, and the page finishes the job.

let tessera: Tessera;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  // Access tokens of 15 minutes: an old session must be shown gone because it was revoked, not because it expired.
  [tessera, browser] = await Promise.all([startTessera({ TESSERA_ACCESS_TTL: '15m' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
});

/** Opens the outbox and follows the link of the newest mail with this subject to this address. */
async function followMailLink(page: Page, to: string, subject: string): Promise<void> {
  await page.goto(`${tessera.url}/outbox`);
  const mail = page.getByTestId('outbox-message').filter({ hasText: subject }).filter({ hasText: to }).first();
  await mail.waitFor();
  const href = await mail.getByTestId('outbox-link').getAttribute('href');
  expect(href).toMatch(new RegExp(`^${tessera.url}/(verify-email|reset-password)#token=[A-Za-z0-9_-]{43}$`));
  await mail.getByTestId('outbox-link').click();
}

describe('email verification and password reset in the demo (Chromium)', () => {
  test('sign up → the outbox has the link → open it → verified shown; forgot password → reset link → new password → old sessions gone', async () => {
    const email = `vera.${Date.now()}@example.com`;
    const oldDevice = await browser.newContext();
    const page = await oldDevice.newPage();
    oldDevice.setDefaultTimeout(10_000);

    await page.goto(`${tessera.url}/signup`);
    await page.getByLabel('Name').fill('Vera');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByTestId('profile-email').waitFor();
    expect(await page.getByTestId('email-status').textContent()).toContain('Email not verified yet');

    await followMailLink(page, email, 'Confirm your email address');
    await page.waitForURL(/\/verify-email#token=/);
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    expect(await page.getByTestId('notice').textContent()).toBe('Your email address is verified.');
    await screenshot(page, 'verify-email-done');
    await page.goto(`${tessera.url}/profile`);
    await expect.poll(() => page.getByTestId('email-status').textContent()).toBe('Email verified.');

    // A second device, also signed in: both sessions must end with the reset.
    const otherDevice = await browser.newContext();
    const other = await otherDevice.newPage();
    otherDevice.setDefaultTimeout(10_000);
    await logIn(other, tessera.url, { email, password: PASSWORD });

    const resetter = await (await browser.newContext()).newPage();
    resetter.context().setDefaultTimeout(10_000);
    await resetter.goto(`${tessera.url}/login`);
    await resetter.getByRole('link', { name: 'Forgot your password?' }).click();
    await resetter.getByLabel('Email').fill(email);
    await resetter.getByRole('button', { name: 'Send me a link' }).click();
    expect(await resetter.getByTestId('notice').textContent()).toBe('If an account uses this email, a link to reset its password is on its way.');
    await followMailLink(resetter, email, 'Reset your password');
    await resetter.waitForURL(/\/reset-password#token=/);
    const newPassword = 'a brand new passphrase';
    await resetter.getByLabel('New password', { exact: true }).fill(newPassword);
    await resetter.getByLabel('Repeat new password').fill(newPassword);
    await resetter.getByRole('button', { name: 'Set new password' }).click();
    expect(await resetter.getByTestId('notice').textContent()).toBe('Your password has been changed, and every device has been logged out.');
    await screenshot(resetter, 'reset-password-done');

    // The old devices: a reload restores nothing (the refresh cookie's session is revoked) and lands on the login.
    for (const device of [page, other]) {
      await device.goto(`${tessera.url}/profile`);
      await device.waitForURL(/\/login/);
    }
    await logIn(resetter, tessera.url, { email, password: newPassword });
    expect(await resetter.getByTestId('profile-email').textContent()).toBe(email);

    await oldDevice.close();
    await otherDevice.close();
    await resetter.context().close();
  });
});
