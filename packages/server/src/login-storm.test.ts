// A login storm must not pile up behind the password hasher: past the queue, logins get 503 with Retry-After at
// once, while access-token verification carries on.
import { afterEach, describe, expect, it } from 'vitest';
import { configurePasswordWork, defaultPasswordWorkLimits } from '@tessera/core';
import { createTestApp, json, PASSWORD, signupWithCookie } from '../test/harness.js';

afterEach(() => configurePasswordWork(defaultPasswordWorkLimits()));

describe('a login storm', () => {
  it('answers logins beyond the hashing queue with 503 unavailable and Retry-After, and keeps serving verified requests', async () => {
    const t = await createTestApp({ TESSERA_RATE_LIMIT: 'off' });
    const { body } = await signupWithCookie(t.request);
    configurePasswordWork({ concurrency: 1, maxWaiting: 1 });
    const storm = await Promise.all(Array.from({ length: 6 }, () => t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD }))));
    const statuses = storm.map((response) => response.status);
    // One hashes and one waits; the others arrive while both places are taken (a hash takes ~20 ms, a lookup
    // microseconds), unless the machine is so slow that a hash finishes before the last request gets there.
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(2);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    const refused = storm.filter((response) => response.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    for (const response of refused) {
      expect(response.headers.get('retry-after')).toBe('1');
      expect(await response.json()).toEqual({ error: 'unavailable', message: 'The server is busy checking passwords; try again in a moment.' });
    }
    const verified = await t.request('/api/number', { headers: { authorization: `Bearer ${body.accessToken}` } });
    expect(verified.status).toBe(200);
    await t.close();
  });
});
