import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tesseraFailure as refusal } from '@tessera/testing';
import { limitKeyForIp } from './ip-key.js';
import { createRateLimits, RATE_LIMITS } from './rate-limits.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('limit keys for client addresses', () => {
  it('counts IPv4 one by one, IPv6 by /64, mapped IPv4 as IPv4, and no address as one shared key', () => {
    expect(limitKeyForIp('203.0.113.9')).toBe('203.0.113.9');
    expect(limitKeyForIp('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(limitKeyForIp('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(limitKeyForIp('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(limitKeyForIp('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitKeyForIp('::1')).toBe('0:0:0:0::/64');
    expect(limitKeyForIp('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(limitKeyForIp(null)).toBe('unknown');
    expect(limitKeyForIp(undefined)).toBe('unknown');
    expect(limitKeyForIp('not an address')).toBe('other:not an address');
  });
});

describe('reset mails per account', () => {
  it('lets 3 an hour go to one account, whoever asks, then says how long until the next may', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2031, 0, 1));
    const limits = createRateLimits();
    for (let i = 0; i < RATE_LIMITS.resetMailAccount.points; i += 1) expect(await limits.mailToAccount('ann@example.test')).toBeNull();
    expect(await limits.mailToAccount('ann@example.test')).toBe(3600);
    expect(await limits.mailToAccount('bob@example.test')).toBeNull();
    vi.setSystemTime(Date.UTC(2031, 0, 1) + 60 * 60_000 + 1_000);
    expect(await limits.mailToAccount('ann@example.test')).toBeNull();
  });
});

describe('password failures', () => {
  it('locks an account on its 10th failure for the rest of the 15-minute window, then lets it try again', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.UTC(2031, 0, 1));
    const limits = createRateLimits();
    const locks: unknown[] = [];
    for (let i = 0; i < RATE_LIMITS.loginAccount.points; i += 1) {
      const attempt = await limits.passwordAttempt('ann@example.test', `198.51.100.${i}`);
      locks.push(attempt.failed());
    }
    expect(locks.slice(0, 9).every((lock) => lock === null)).toBe(true);
    expect(locks[9]).toEqual({ lockedForSeconds: 900 });
    vi.setSystemTime(Date.UTC(2031, 0, 1) + 5 * 60_000);
    const locked = await refusal(limits.passwordAttempt('ann@example.test', '192.0.2.1'));
    expect(locked.code).toBe('rate_limited');
    expect(locked.retryAfter).toBe(600);
    // Other accounts are untouched: a lockout is per account.
    await limits.passwordAttempt('bob@example.test', '192.0.2.1');
    vi.setSystemTime(Date.UTC(2031, 0, 1) + 15 * 60_000 + 1_000);
    await expect(limits.passwordAttempt('ann@example.test', '192.0.2.1')).resolves.toBeDefined();
  });

  it('a right password resets the account, but not the address (an attacker\'s own account cannot buy more guesses)', async () => {
    const limits = createRateLimits({ rules: { loginAccount: { points: 3, durationSeconds: 60 }, loginIp: { points: 5, durationSeconds: 60 } } });
    for (let round = 0; round < 2; round += 1) {
      (await limits.passwordAttempt('mine@example.test', '192.0.2.7')).failed();
      (await limits.passwordAttempt('mine@example.test', '192.0.2.7')).failed();
      await (await limits.passwordAttempt('mine@example.test', '192.0.2.7')).succeeded();
    }
    // 4 failures so far from this address; 1 left, successes not counted.
    (await limits.passwordAttempt('victim@example.test', '192.0.2.7')).failed();
    expect((await refusal(limits.passwordAttempt('victim@example.test', '192.0.2.7'))).code).toBe('rate_limited');
    // Refused attempts check no password and cost the account nothing.
    expect((await limits.passwordAttempt('victim@example.test', '192.0.2.8')).failed()).toBeNull();
  });

  it('limits password spraying from one address across many accounts', async () => {
    const limits = createRateLimits({ rules: { loginIp: { points: 4, durationSeconds: 60 } } });
    for (let i = 0; i < 4; i += 1) (await limits.passwordAttempt(`user${i}@example.test`, '2001:db8:5:6::1')).failed();
    // The next address in the same /64 is the same client.
    const refused = await refusal(limits.passwordAttempt('user9@example.test', '2001:db8:5:6::2'));
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(refused.retryAfter).toBeGreaterThan(0);
    await limits.passwordAttempt('user9@example.test', '2001:db8:5:7::1');
  });
});

describe('request limits and the store', () => {
  it('limits each action per address with a Retry-After', async () => {
    const limits = createRateLimits({ rules: { refresh: { points: 2, durationSeconds: 60 } } });
    await limits.hit('refresh', '192.0.2.1');
    await limits.hit('refresh', '192.0.2.1');
    const refused = await refusal(limits.hit('refresh', '192.0.2.1'));
    expect(refused.code).toBe('rate_limited');
    expect(refused.retryAfter).toBeLessThanOrEqual(60);
    await limits.hit('refresh', '192.0.2.2');
    await limits.hit('signup', '192.0.2.1');
  });

  it('fails closed with 503 unavailable when Redis is not reachable', async () => {
    // Never connected: rate-limiter-flexible refuses at once instead of queueing behind a dead connection.
    const redis = new Redis({ lazyConnect: true, enableOfflineQueue: false });
    try {
      const limits = createRateLimits({ redis });
      expect((await refusal(limits.passwordAttempt('ann@example.test', '192.0.2.1'))).code).toBe('unavailable');
      expect((await refusal(limits.hit('refresh', '192.0.2.1'))).code).toBe('unavailable');
    } finally {
      redis.disconnect();
    }
  });
});
