import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REDIS_URL, redisAvailable } from '@tessera/testing/redis';
import { createGuard, type Guard } from './index.js';
import { countingFetch, startTessera, type Tessera } from '../test/tessera.js';

const available = await redisAvailable();

describe.skipIf(!available)('the Redis revocation feed (docs/revocation-feed.md)', () => {
  let tessera: Tessera;
  let redis: Redis;
  // A random prefix per run: tests never touch keys they did not create, and never use KEYS or FLUSH.
  const prefix = `tessera-test-${randomUUID()}:`;
  const subscribers: Redis[] = [];
  const guards: Guard[] = [];

  beforeAll(async () => {
    tessera = await startTessera();
    redis = new Redis(REDIS_URL);
    // The test hook: keep hold of the subscriber connection each guard duplicates, to cut it on purpose.
    const duplicate = redis.duplicate.bind(redis);
    redis.duplicate = (override) => {
      const subscriber = duplicate(override);
      subscribers.push(subscriber);
      return subscriber;
    };
  });
  afterAll(async () => {
    await Promise.all(guards.map((guard) => guard.close()));
    await redis.del(`${prefix}revoked`);
    await redis.quit();
    await tessera.close();
  });

  function guardWithFeed(): Guard {
    const guard = createGuard({
      issuer: tessera.issuer,
      audience: 'tessera',
      algorithms: ['ES256'],
      jwksUrl: tessera.jwksUrl,
      revocation: { redis, keyPrefix: prefix, onError: () => {} },
    });
    guards.push(guard);
    return guard;
  }

  /** What a Tessera server does on logout: ZADD and PUBLISH in one MULTI. */
  async function revoke(sessionIds: string[], revokedAt = Date.now()): Promise<void> {
    const members = sessionIds.flatMap((sid) => [revokedAt, sid]);
    await redis
      .multi()
      .zadd(`${prefix}revoked`, ...members)
      .publish(`${prefix}revocations`, JSON.stringify({ v: 1, sessionIds, revokedAt }))
      .exec();
  }

  /** Polls until the token is refused; returns how long that took. */
  async function msUntilRefused(guard: Guard, token: string, limitMs = 1_000): Promise<number> {
    const started = Date.now();
    for (;;) {
      const refused = await guard.verify(token).then(() => undefined, (error: unknown) => error);
      if (refused !== undefined) {
        expect(refused).toMatchObject({ code: 'invalid_token', message: 'the session has been revoked' });
        return Date.now() - started;
      }
      if (Date.now() - started > limitMs) throw new Error(`the token was still accepted after ${limitMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('a cached, previously valid token is refused within 1 s of a revocation published on the feed', async () => {
    const guard = guardWithFeed();
    const { accessToken, claims } = await tessera.signup();
    await guard.verify(accessToken);
    await guard.verify(accessToken); // now served from the verified-token cache
    await revoke([claims.sid]);
    expect(await msUntilRefused(guard, accessToken)).toBeLessThan(1_000);
  });

  it('ignores malformed messages and unknown versions', async () => {
    const guard = guardWithFeed();
    const kept = await tessera.signup();
    const barrier = await tessera.signup();
    await guard.verify(kept.accessToken);
    const channel = `${prefix}revocations`;
    for (const text of ['not json', JSON.stringify({ v: 2, sessionIds: [kept.claims.sid], revokedAt: Date.now() }), JSON.stringify({ v: 1, sessionIds: kept.claims.sid, revokedAt: Date.now() }), JSON.stringify({ v: 1, sessionIds: [kept.claims.sid] })]) {
      await redis.publish(channel, text);
    }
    // Messages on one channel arrive in order: once the barrier's revocation applies, the bad ones were seen.
    await revoke([barrier.claims.sid]);
    await msUntilRefused(guard, barrier.accessToken);
    await expect(guard.verify(kept.accessToken)).resolves.toMatchObject({ sid: kept.claims.sid });
  });

  it('applies what is already in the sorted set before its first verification, within keepMs only', async () => {
    const revoked = await tessera.signup();
    const longAgo = await tessera.signup();
    await redis.zadd(`${prefix}revoked`, Date.now(), revoked.claims.sid, Date.now() - 25 * 60 * 60_000, longAgo.claims.sid);
    const guard = guardWithFeed();
    await expect(guard.verify(revoked.accessToken)).rejects.toMatchObject({ code: 'invalid_token', message: 'the session has been revoked' });
    await expect(guard.verify(longAgo.accessToken)).resolves.toBeDefined();
  });

  it('after its subscriber reconnects, the resync applies revocations published while it was disconnected', async () => {
    const guard = guardWithFeed();
    const { accessToken, claims } = await tessera.signup();
    await guard.verify(accessToken);
    const subscriber = subscribers.at(-1)!;
    const ended = once(subscriber, 'end');
    subscriber.disconnect();
    await ended;

    await revoke([claims.sid]); // the live message is lost: nobody is subscribed on this connection
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(guard.verify(accessToken)).resolves.toBeDefined();

    await subscriber.connect();
    expect(await msUntilRefused(guard, accessToken)).toBeLessThan(1_000);
  });
  it('after its subscriber reconnects, it refetches the JWKS: a key withdrawal announced meanwhile was missed', async () => {
    const jwks = countingFetch();
    const guard = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl, fetch: jwks.fetch, revocation: { redis, keyPrefix: prefix, onError: () => {} } });
    guards.push(guard);
    const { accessToken } = await tessera.signup();
    await guard.verify(accessToken);
    const subscriber = subscribers.at(-1)!;
    const fetchesBefore = jwks.calls.length;
    const ended = once(subscriber, 'end');
    subscriber.disconnect();
    await ended;
    expect(jwks.calls.length).toBe(fetchesBefore);

    await subscriber.connect();
    await vi.waitFor(() => expect(jwks.calls.length).toBeGreaterThan(fetchesBefore), { timeout: 2_000 });
  });

  it('a withdrawn signing key announced on the keys channel stops its cached tokens within 3 s, not at the next scheduled JWKS fetch', async () => {
    const jwks = countingFetch();
    const guard = createGuard({
      issuer: tessera.issuer,
      audience: 'tessera',
      algorithms: ['ES256'],
      jwksUrl: tessera.jwksUrl,
      fetch: jwks.fetch,
      revocation: { redis, keyPrefix: prefix, onError: () => {} },
    });
    guards.push(guard);
    const { accessToken } = await tessera.signup();
    await guard.verify(accessToken);
    await guard.verify(accessToken); // cached as verified
    const leaked = tessera.server.runtime.keys.signingKey().kid;
    const fetchesBefore = jwks.calls.length;

    // What `tessera keys revoke` does with Redis: withdraw the key (rotating first), then announce the new one.
    const { revoked, rotatedTo } = await tessera.server.runtime.keys.revoke(leaked);
    expect(revoked).toBe(true);
    await redis.publish(`${prefix}keys`, JSON.stringify({ v: 1, event: 'rotated', kid: rotatedTo!.kid }));

    const started = Date.now();
    for (;;) {
      const refused = await guard.verify(accessToken).then(() => undefined, (error: unknown) => error);
      if (refused !== undefined) {
        expect(refused).toMatchObject({ code: 'invalid_token' });
        break;
      }
      if (Date.now() - started > 3_000) throw new Error('a token of the withdrawn key was still accepted 3 s after the announcement');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // The refetch came from the announcement (the JWKS is far from stale and the token's kid was known).
    expect(jwks.calls.length).toBeGreaterThan(fetchesBefore);
    const fresh = await tessera.signup();
    await expect(guard.verify(fresh.accessToken)).resolves.toMatchObject({ sid: fresh.claims.sid });
  });

  it('ignores malformed key announcements: no JWKS fetch', async () => {
    const jwks = countingFetch();
    const guard = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl, fetch: jwks.fetch, revocation: { redis, keyPrefix: prefix, onError: () => {} } });
    guards.push(guard);
    const { accessToken } = await tessera.signup();
    await guard.verify(accessToken);
    const fetchesBefore = jwks.calls.length;
    for (const text of ['not json', JSON.stringify({ v: 2, event: 'rotated', kid: 'k' }), JSON.stringify({ v: 1, event: 'deleted', kid: 'k' })]) {
      await redis.publish(`${prefix}keys`, text);
    }
    // A revocation published after them on the other channel is seen: by then the key messages were too.
    const barrier = await tessera.signup();
    await guard.verify(barrier.accessToken);
    await revoke([barrier.claims.sid]);
    await msUntilRefused(guard, barrier.accessToken);
    expect(jwks.calls.length).toBe(fetchesBefore);
  });
});

describe('the revocation feed before its first resync', () => {
  it('fails closed: 503 unavailable while Redis cannot be reached, rather than accepting possibly revoked tokens', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { lazyConnect: true, retryStrategy: () => 1_000 });
    const errors: Error[] = [];
    const guard = createGuard({
      issuer: 'https://auth.example.test',
      audience: 'tessera',
      algorithms: ['ES256'],
      jwksUrl: 'https://auth.example.test/.well-known/jwks.json',
      fetch: () => Promise.reject(new Error('never reached')),
      revocation: { redis: unreachable, syncTimeoutMs: 100, onError: (error) => errors.push(error) },
    });
    try {
      await expect(guard.verify('a.b.c')).rejects.toMatchObject({ code: 'unavailable', status: 503 });
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      await guard.close();
      unreachable.disconnect();
    }
  });
});
