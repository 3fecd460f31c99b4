import type { RunningServer } from '@tessera/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { decodeClaims } from './decode-claims.js';
import { browserLikeFetch, CookieJar, PASSWORD, startTestServer, uniqueEmail, type LoggedRequest } from '../test/helpers.js';
import type { AuthClient } from './types.js';

// The server runs on a clock the tests move: a token expires when a test moves the clock past its `exp`, with
// no waiting. The clock only moves forward. The clients' clocks stand still at creation and they refresh at exp
// itself (leeway 0), so in their eyes no token ever comes due: no proactive refresh runs, and only the server's
// 401 tells them.
let server: RunningServer;
const clients: AuthClient[] = [];
const serverClock = { ms: Date.now() };

/** Moves the server's clock to one second past the token's `exp` (tolerance is 0): the server now refuses it. */
function expire(token: string | null): void {
  const exp = token === null ? undefined : decodeClaims(token)?.exp;
  if (typeof exp !== 'number') throw new Error('no exp claim');
  serverClock.ms = Math.max(serverClock.ms, (exp + 1) * 1000);
}

beforeAll(async () => {
  server = await startTestServer({ TESSERA_ACCESS_TTL: '15m' }, { now: () => serverClock.ms });
});
afterAll(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await server.close();
});

function client(mode: 'browser' | 'native', beforeReturn?: (request: LoggedRequest, response: Response) => Promise<void>) {
  const net = browserLikeFetch(new CookieJar(), beforeReturn);
  const stopped = Date.now();
  const auth = createAuthClient({ baseUrl: server.url, mode, fetch: net.fetch, crossTab: false, clock: () => stopped, refreshLeewaySeconds: 0 });
  clients.push(auth);
  return { client: auth, net };
}

describe('client.fetch on an expired access token', () => {
  it('50 concurrent requests share exactly one refresh and all succeed (browser and native)', async () => {
    const browser = client('browser');
    const native = client('native');
    await browser.client.signup({ email: uniqueEmail('b'), password: PASSWORD });
    await native.client.signup({ email: uniqueEmail('n'), password: PASSWORD });
    expire(native.client.getAccessToken());
    expire(browser.client.getAccessToken());

    await Promise.all([browser, native].map(async ({ client: auth, net }) => {
      const expired = auth.getAccessToken();
      const responses = await Promise.all(Array.from({ length: 50 }, () => auth.fetch('/api/number')));
      expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
      const numbers = await Promise.all(responses.map(async (r) => ((await r.json()) as { number: number }).number));
      expect(numbers.every((n) => n >= 1 && n <= 10)).toBe(true);
      expect(net.count('/auth/refresh', 'POST')).toBe(1);
      // Each request: the expired try and one retry.
      expect(net.count('/api/number')).toBe(100);
      expect(auth.getAccessToken()).not.toBe(expired);
      expect(auth.getState().status).toBe('authenticated');
    }));
  });

  it('a retried request that gets 401 again is returned as it is: no second refresh, no loop', async () => {
    // Before the refresh answer reaches the client, the token it carries expires too, so the retry fails again.
    const slow = client('browser', async (request, response) => {
      if (request.path !== '/auth/refresh') return;
      const body = (await response.clone().json()) as { accessToken: string };
      expire(body.accessToken);
    });
    await slow.client.signup({ email: uniqueEmail(), password: PASSWORD });
    expire(slow.client.getAccessToken());
    const response = await slow.client.fetch('/api/number');
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: 'token_expired' });
    expect(slow.net.count('/auth/refresh')).toBe(1);
    expect(slow.net.count('/api/number')).toBe(2);
    // An expired token is not a dead session.
    expect(slow.client.getState().status).toBe('authenticated');
  });

  it('a body stream cannot be sent twice: the 401 comes back, the token is refreshed for the next call', async () => {
    const { client: auth, net } = client('native');
    await auth.signup({ email: uniqueEmail(), password: PASSWORD });
    expire(auth.getAccessToken());
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{}'));
        controller.close();
      },
    });
    const init = { method: 'POST', body, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit;
    const response = await auth.fetch('/api/number', init);
    expect(response.status).toBe(401);
    expect(net.count('/api/number', 'POST')).toBe(1);
    expect(net.count('/auth/refresh')).toBe(1);
    // A Request object is retryable (it is cloned before the first try), and the token is already fresh.
    const request = new Request(`${server.url}/api/number`);
    expect((await auth.fetch(request)).status).toBe(200);
    expect(net.count('/auth/refresh')).toBe(1);
  });

  it('a Request object is retried with its clone after the refresh', async () => {
    const { client: auth, net } = client('browser');
    await auth.signup({ email: uniqueEmail(), password: PASSWORD });
    expire(auth.getAccessToken());
    const response = await auth.fetch(new Request(`${server.url}/api/number`, { headers: { accept: 'application/json' } }));
    expect(response.status).toBe(200);
    expect(net.count('/auth/refresh')).toBe(1);
    expect(net.log.filter((r) => r.path === '/api/number').map((r) => r.headers.get('accept'))).toEqual(['application/json', 'application/json']);
  });
});
