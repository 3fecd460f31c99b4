import type { RunningServer } from '@tessera/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAuthClient } from './create-auth-client.js';
import { decodeClaims } from './decode-claims.js';
import { createRefreshTimer } from './refresh-timer.js';
import { browserLikeFetch, CookieJar, PASSWORD, sleep, startTestServer, uniqueEmail } from '../test/helpers.js';
import { describeToken } from './session-state.js';

/** An unsigned token with the given times: the timer only reads claims. */
function tokenWith(claims: { iat: number; exp: number }): ReturnType<typeof describeToken> {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return describeToken(`${part({ alg: 'none' })}.${part(claims)}.sig`);
}

describe('the proactive refresh timer (fake timers, injected clock)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function setup(leewayMs = 30_000, skew = { ms: 0 }) {
    vi.useFakeTimers({ now: Date.UTC(2031, 0, 1) });
    const onDue = vi.fn();
    const timer = createRefreshTimer({ clock: () => Date.now() + skew.ms, leewayMs, onDue });
    const nowSeconds = () => Math.floor(Date.now() / 1000);
    return { timer, onDue, nowSeconds };
  }

  it('fires once, leeway before exp, and only one timer exists at a time', () => {
    const { timer, onDue, nowSeconds } = setup();
    const t = nowSeconds();
    timer.schedule(tokenWith({ iat: t, exp: t + 600 }));
    timer.schedule(tokenWith({ iat: t, exp: t + 900 }));
    vi.advanceTimersByTime(870_000 - 1);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3_600_000);
    expect(onDue).toHaveBeenCalledTimes(1);
  });

  it('caps the leeway at half the lifetime, so a short token is not refreshed the moment it arrives', () => {
    const { timer, onDue, nowSeconds } = setup();
    const t = nowSeconds();
    timer.schedule(tokenWith({ iat: t, exp: t + 10 }));
    vi.advanceTimersByTime(4_999);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledTimes(1);
  });

  it('asks the injected clock again when the timer fires: a clock behind re-arms, a clock ahead fires', () => {
    const skew = { ms: 0 };
    const { timer, onDue, nowSeconds } = setup(30_000, skew);
    const t = nowSeconds();
    timer.schedule(tokenWith({ iat: t, exp: t + 100 }));
    skew.ms = -5_000;
    vi.advanceTimersByTime(70_000);
    expect(onDue).not.toHaveBeenCalled();
    vi.advanceTimersByTime(5_000);
    expect(onDue).toHaveBeenCalledTimes(1);
  });

  it('spaces refreshes at least a second apart even when every token already looks due (a clock far ahead)', () => {
    const skew = { ms: 3_600_000 };
    const { timer, onDue, nowSeconds } = setup(30_000, skew);
    const t = nowSeconds();
    timer.schedule(tokenWith({ iat: t, exp: t + 2 }));
    vi.advanceTimersByTime(0);
    expect(onDue).toHaveBeenCalledTimes(1);
    timer.schedule(tokenWith({ iat: t, exp: t + 2 }));
    vi.advanceTimersByTime(999);
    expect(onDue).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(onDue).toHaveBeenCalledTimes(2);
  });

  it('cancel() and a token without exp leave no timer', () => {
    const { timer, onDue, nowSeconds } = setup();
    const t = nowSeconds();
    timer.schedule(tokenWith({ iat: t, exp: t + 60 }));
    timer.cancel();
    timer.schedule(describeToken('not-a-jwt'));
    vi.advanceTimersByTime(3_600_000);
    expect(onDue).not.toHaveBeenCalled();
  });
});

describe('proactive refresh against a real server (2-second tokens)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ TESSERA_ACCESS_TTL: '2s' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refreshes once before exp, with the one timer of the newest token', async () => {
    const net = browserLikeFetch(new CookieJar());
    const client = createAuthClient({ baseUrl: server.url, mode: 'native', fetch: net.fetch });
    try {
      await client.signup({ email: uniqueEmail(), password: PASSWORD });
      // A manual refresh replaces the login token's timer; only the new token's timer may fire.
      await client.refresh();
      const exp = decodeClaims(client.getAccessToken()!)!.exp as number;
      const fired = await new Promise<number>((resolve) => client.on('refresh', () => resolve(Date.now())));
      expect(fired).toBeLessThan(exp * 1000);
      expect(net.count('/auth/refresh')).toBe(2);
      await sleep(300);
      expect(net.count('/auth/refresh')).toBe(2);
      expect((await client.fetch('/api/number')).status).toBe(200);
    } finally {
      client.destroy();
    }
  });
});

describe('proactive refresh from a device whose clock is wrong (4-second tokens)', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ TESSERA_ACCESS_TTL: '4s' });
  });
  afterAll(async () => {
    await server.close();
  });

  // The token's exp is the server's time. Read on a phone set ten minutes ahead, every token would look expired on
  // arrival (a refresh at once, then every second); ten minutes behind, none would come due until long after it
  // expired. The client reckons by the server's Date instead: one refresh, half-way through the token's life.
  it.each([
    ['ahead', 10],
    ['behind', -10],
  ])('a device clock ten minutes %s still refreshes once, half-way through the token\'s life by the server\'s time', async (_, minutes) => {
    const net = browserLikeFetch(new CookieJar());
    const client = createAuthClient({ baseUrl: server.url, mode: 'native', fetch: net.fetch, clock: () => Date.now() + minutes * 60_000 });
    try {
      await client.signup({ email: uniqueEmail(), password: PASSWORD });
      const { iat, exp } = decodeClaims(client.getAccessToken()!) as { iat: number; exp: number };
      const fired = await Promise.race([
        new Promise<number>((resolve) => client.on('refresh', () => resolve(Date.now()))),
        sleep(8_000).then(() => Number.POSITIVE_INFINITY),
      ]);
      // Due at exp − 2 s by the server's clock; the Date header's whole seconds leave half a second either way.
      expect(fired).toBeGreaterThanOrEqual(iat * 1000 + 1000);
      expect(fired).toBeLessThan(exp * 1000);
      await sleep(500);
      expect(net.count('/auth/refresh')).toBe(1);
      expect((await client.fetch('/api/number')).status).toBe(200);
    } finally {
      client.destroy();
    }
  });
});
