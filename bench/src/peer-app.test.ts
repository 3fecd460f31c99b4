import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { PEER_PROTECTED_PATH, startPeerApp, type PeerApp, type PeerSession } from './peer-app.js';

// The peer bench's better-auth target: if its setup breaks (a better-auth upgrade, a schema change), the peer
// bench would measure error responses; this catches it without running the bench.

const EMAIL = 'peer@example.test';
const PASSWORD = 'a benchmark password';

let app: PeerApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(session: PeerSession): Promise<PeerApp> {
  app = await startPeerApp({ session, secret: randomBytes(32).toString('hex') });
  return app;
}

/** Signs up as a browser on the app's origin would, and returns the cookies it was given, by name. */
async function signUp(url: string): Promise<Map<string, string>> {
  const response = await fetch(`${url}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, name: 'bench' }),
  });
  expect(response.status).toBe(200);
  const cookies = response.headers.getSetCookie().map((line) => line.split(';')[0]!.split('=') as [string, string]);
  return new Map(cookies);
}

const cookieHeader = (cookies: Map<string, string>) => [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');

describe('the better-auth peer target', () => {
  it('answers the protected route to its session cookie, and 401 without one or with a forged one', async () => {
    const { url } = await start('database');
    const cookies = await signUp(url);
    expect([...cookies.keys()]).toEqual(['better-auth.session_token']);

    const ok = await fetch(`${url}${PEER_PROTECTED_PATH}`, { headers: { cookie: cookieHeader(cookies) } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('application/json');
    const { number } = (await ok.json()) as { number: number };
    expect(number).toBeGreaterThanOrEqual(1);
    expect(number).toBeLessThanOrEqual(10);

    const none = await fetch(`${url}${PEER_PROTECTED_PATH}`);
    expect(none.status).toBe(401);
    const token = cookies.get('better-auth.session_token')!;
    const forged = await fetch(`${url}${PEER_PROTECTED_PATH}`, { headers: { cookie: `better-auth.session_token=${token.slice(0, -4)}AAAA` } });
    expect(forged.status).toBe(401);
  });

  it('signs in with email and password, as the sign-in bench does, and refuses a wrong password with 401', async () => {
    const { url } = await start('database');
    await signUp(url);
    const signIn = (password: string) =>
      fetch(`${url}/api/auth/sign-in/email`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email: EMAIL, password }) });
    const ok = await signIn(PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.headers.getSetCookie().some((line) => line.startsWith('better-auth.session_token='))).toBe(true);
    expect((await signIn('not the password')).status).toBe(401);
  });

  it('with the cookie cache on, hands out the signed session-data cookie and accepts it', async () => {
    const { url } = await start('cookie-cache');
    const cookies = await signUp(url);
    expect([...cookies.keys()].sort()).toEqual(['better-auth.session_data', 'better-auth.session_token']);
    const ok = await fetch(`${url}${PEER_PROTECTED_PATH}`, { headers: { cookie: cookieHeader(cookies) } });
    expect(ok.status).toBe(200);
  });

  it('answers 404 off its routes', async () => {
    const { url } = await start('database');
    expect((await fetch(`${url}/healthz`)).status).toBe(404);
  });
});
