import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createAccount, DESKTOP, launchChromium, logIn, navTo, requireBuild, screenshot, startTessera, type Tessera } from './harness.js';

// A passkey registered in the demo and used to sign in again, on Chromium's virtual authenticator (the DevTools
// protocol's WebAuthn domain): a platform authenticator with discoverable credentials and user verification, so
// the usernameless sign-in is the one a person with a real passkey gets.

let tessera: Tessera;
let browser: Browser;

beforeAll(async () => {
  requireBuild();
  // Audit events at info level, so the test can read the passkey events the server logged.
  [tessera, browser] = await Promise.all([startTessera({ TESSERA_LOG_LEVEL: 'info' }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await tessera?.stop();
});

test('register a passkey in the demo, log out, sign in with it (usernameless), then remove it', async () => {
  // WebAuthn needs a secure context: http://localhost is one, and the RP ID (derived from the issuer) is localhost.
  expect(new URL(tessera.url).hostname).toBe('localhost');
  const context = await browser.newContext({ viewport: DESKTOP });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  try {
    const account = await createAccount(tessera.url, 'Katherine Johnson');
    await logIn(page, tessera.url, account);
    await navTo(page, 'Passkeys');
    await page.getByTestId('no-passkeys').waitFor();
    await page.getByLabel('Name (optional)').fill('Test laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByTestId('notice').waitFor();
    expect(await page.getByTestId('passkey').allTextContents()).toEqual([expect.stringContaining('Test laptop')]);
    await screenshot(page, 'desktop-passkeys');

    // The authenticator holds one discoverable credential for localhost, bound to the user.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    // Usernameless: the email field stays empty; the device offers its passkey for this site.
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByTestId('profile-email').waitFor();
    expect(await page.getByTestId('profile-email').textContent()).toBe(account.email);
    const after = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(after.credentials[0]!.signCount).toBeGreaterThan(credentials[0]!.signCount);

    // The passkey session is an ordinary one: it lists like any other, and the list shows the passkey's use.
    await navTo(page, 'Passkeys');
    await page.getByTestId('passkey').getByText('last used').waitFor();
    await page.getByRole('button', { name: 'Remove passkey Test laptop' }).click();
    await page.getByTestId('no-passkeys').waitFor();

    // Removed on the server: the same credential cannot sign in any more.
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('That passkey could not be verified. Try again, or log in with your password.');

    const types = tessera.auditEvents().map((event) => event.type).filter((type) => type.startsWith('passkey_'));
    expect(types).toEqual(['passkey_registered', 'passkey_login_succeeded', 'passkey_removed', 'passkey_login_failed']);
  } finally {
    await context.close();
  }
});
