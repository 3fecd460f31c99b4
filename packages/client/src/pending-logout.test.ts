import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AuthApi } from './auth-api.js';
import { AuthError } from './auth-error.js';
import { nativeCredential, PENDING_LOGOUT_KEY, REFRESH_TOKEN_KEY } from './credentials.js';
import { memoryStorage } from './options.js';
import { createPendingLogout, logoutMayBeRetried } from './pending-logout.js';

// The owed logout on its own: what it keeps, when it tries again, when it stops. (The browser flow, with a real
// server and a reload, is in client.browser.test.ts and e2e/browser/session.test.ts.)

afterEach(() => {
  vi.useRealTimers();
});

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('an owed logout', () => {
  it('is retried only when it failed on the way: no answer, a 5xx or a 429', () => {
    expect(logoutMayBeRetried(new AuthError('network_error', 0, 'x'))).toBe(true);
    expect(logoutMayBeRetried(new AuthError('unavailable', 503, 'x'))).toBe(true);
    expect(logoutMayBeRetried(new AuthError('rate_limited', 429, 'x'))).toBe(true);
    expect(logoutMayBeRetried(new AuthError('csrf_failed', 403, 'x'))).toBe(false);
    expect(logoutMayBeRetried(new AuthError('invalid_grant', 401, 'x'))).toBe(false);
    expect(logoutMayBeRetried(new Error('not ours'))).toBe(false);
  });

  it('keeps the refresh token under its own key, retries on a growing timer, and forgets it once the server answers', async () => {
    vi.useFakeTimers();
    const storage = memoryStorage();
    await storage.set(REFRESH_TOKEN_KEY, 'rt-1');
    const answers = [
      () => Promise.reject(new AuthError('network_error', 0, 'The server could not be reached.')),
      () => Promise.resolve(json(503, { error: 'unavailable', message: 'down' })),
      () => Promise.resolve(new Response(null, { status: 204 })),
    ];
    const calls: unknown[] = [];
    const api: AuthApi = (path, options) => {
      calls.push([path, options]);
      return answers[calls.length - 1]!();
    };
    const pending = createPendingLogout({ api, credential: nativeCredential(storage) });
    await pending.owe();
    expect(await storage.get(PENDING_LOGOUT_KEY)).toBe('rt-1');

    await expect(pending.settle()).rejects.toMatchObject({ code: 'network_error' });
    await vi.advanceTimersByTimeAsync(4_999);
    expect(calls).toHaveLength(1);
    // owe() armed the first retry at 5 s and the failed settle() pushed it to 10 s.
    await vi.advanceTimersByTimeAsync(5_001);
    expect(calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(calls).toEqual([
      ['/auth/logout', { method: 'POST', json: { refreshToken: 'rt-1' } }],
      ['/auth/logout', { method: 'POST', json: { refreshToken: 'rt-1' } }],
      ['/auth/logout', { method: 'POST', json: { refreshToken: 'rt-1' } }],
    ]);
    expect(await storage.get(PENDING_LOGOUT_KEY)).toBeNull();
    // Nothing owed any more: settle() sends nothing, and no timer is left.
    await pending.settle();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(3);
    pending.close();
  });

  it('stops at a refusal: a logout refused once would be refused forever', async () => {
    const storage = memoryStorage();
    await storage.set(REFRESH_TOKEN_KEY, 'rt-2');
    let calls = 0;
    const api: AuthApi = async () => (calls++, json(403, { error: 'csrf_failed', message: 'no' }));
    const pending = createPendingLogout({ api, credential: nativeCredential(storage) });
    await pending.owe();
    await pending.settle();
    expect(calls).toBe(1);
    expect(await storage.get(PENDING_LOGOUT_KEY)).toBeNull();
    pending.close();
  });
});
