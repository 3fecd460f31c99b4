import { at, HOUR, makeSession, randomId } from '@tessera/testing';
import { TesseraError } from '@tessera/core/errors';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeRedis, connectRedis, FAIL_FAST_OPTIONS } from './client.js';
import { parseKeyRotationMessage, parseRevocationMessage, publishKeyRotation, publishRevocations } from './messages.js';
import { dropPrefix, REDIS_URL, redisAvailable, testPrefix } from '@tessera/testing/redis';
import { createRevocationFeed, type RevocationFeed } from './revocation-feed.js';
import { subscribeRevocationFeed } from './subscribe-revocation-feed.js';
import { createRedisSessionStore } from './session-store.js';

describe('feed messages', () => {
  it('accepts exactly the documented shapes and ignores everything else', () => {
    expect(parseRevocationMessage('{"v":1,"sessionIds":["a","b"],"revokedAt":1700000000123}')).toEqual({ v: 1, sessionIds: ['a', 'b'], revokedAt: 1700000000123 });
    for (const bad of ['', 'null', '[]', '{"v":2,"sessionIds":["a"],"revokedAt":1}', '{"v":1,"sessionIds":"a","revokedAt":1}',
      '{"v":1,"sessionIds":[1],"revokedAt":1}', '{"v":1,"sessionIds":["a"],"revokedAt":"1"}', '{"v":1,"sessionIds":["a"]}']) {
      expect(parseRevocationMessage(bad)).toBeNull();
    }
    expect(parseKeyRotationMessage('{"v":1,"event":"rotated","kid":"k2"}')).toEqual({ v: 1, event: 'rotated', kid: 'k2' });
    expect(parseKeyRotationMessage('{"v":1,"event":"deleted","kid":"k2"}')).toBeNull();
    expect(parseKeyRotationMessage('{"v":1,"event":"rotated"}')).toBeNull();
  });
});

describe('the revocation feed with Redis unreachable', () => {
  it('createRevocationFeed rejects with 503 unavailable instead of starting blind, and stops retrying', async () => {
    // A port nothing listens on; the client would retry forever (FAIL_FAST_OPTIONS), as the server's does.
    const unreachable = new Redis('redis://127.0.0.1:1', { ...FAIL_FAST_OPTIONS, lazyConnect: true });
    const subscribers: Redis[] = [];
    const duplicate = unreachable.duplicate.bind(unreachable);
    unreachable.duplicate = (override) => {
      const subscriber = duplicate(override);
      subscribers.push(subscriber);
      return subscriber;
    };
    const errors: unknown[] = [];
    const failure = await createRevocationFeed({ redis: unreachable, keepMs: 60_000, onRevoked: () => {}, onError: (error) => errors.push(error) }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TesseraError);
    expect(failure).toMatchObject({ code: 'unavailable' });
    expect(errors.length).toBeGreaterThan(0);
    // Its own connection is ended, not left retrying in the background.
    await vi.waitFor(() => expect(subscribers.map((subscriber) => subscriber.status)).toEqual(['end']));
    unreachable.disconnect();
  });

  it('subscribeRevocationFeed keeps trying: not synced, and its first sync rejects only when closed', async () => {
    const unreachable = new Redis('redis://127.0.0.1:1', { ...FAIL_FAST_OPTIONS, lazyConnect: true });
    let errors = 0;
    const feed = subscribeRevocationFeed({ redis: unreachable, keepMs: 60_000, onRevoked: () => {}, onError: () => (errors += 1) });
    await vi.waitFor(() => expect(errors).toBeGreaterThan(0));
    expect(feed.synced).toBe(false);
    await feed.close();
    await expect(feed.firstSync).rejects.toThrow('The revocation feed was closed before its first resync.');
    unreachable.disconnect();
  });
});

const available = await redisAvailable();

describe.skipIf(!available)('revocation feed on Redis', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const feeds: RevocationFeed[] = [];
  const fresh = () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return prefix;
  };
  const start = async (prefix: string, keepMs = 15 * 60_000, now = () => Date.now(), connection = redis) => {
    const revoked: [string, number][] = [];
    const keys: (string | null)[] = [];
    const feed = await createRevocationFeed({
      redis: connection,
      keyPrefix: prefix,
      keepMs,
      now,
      onRevoked: (ids, atMs) => ids.forEach((id) => revoked.push([id, atMs])),
      onKeysRotated: (kid) => keys.push(kid),
    });
    feeds.push(feed);
    return { feed, revoked, keys };
  };

  beforeAll(async () => {
    redis = await connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    for (const feed of feeds) await feed.close();
    for (const prefix of prefixes) await dropPrefix(redis, prefix);
    await closeRedis(redis);
  });

  it('delivers what the session store revokes, as it happens', async () => {
    const prefix = fresh();
    const sessions = createRedisSessionStore(redis, { keyPrefix: prefix });
    const { revoked } = await start(prefix);
    const [a, b] = [makeSession('u1'), makeSession('u1')];
    for (const s of [a, b]) await sessions.createSession(s);
    await sessions.revokeSession(a.id, at(HOUR), 'logout');
    await sessions.revokeUserSessions('u1', at(2 * HOUR), 'logout_all');
    await vi.waitFor(() => expect(revoked).toEqual([[a.id, at(HOUR).getTime()], [b.id, at(2 * HOUR).getTime()]]));
  });

  it('reads the revocations of the last keepMs at start, and no older ones', async () => {
    const prefix = fresh();
    const now = Date.now();
    await publishRevocations(redis, ['old'], now - 20 * 60_000, prefix);
    await publishRevocations(redis, ['recent-1', 'recent-2'], now - 60_000, prefix);
    const { revoked } = await start(prefix, 15 * 60_000, () => now);
    expect(revoked).toEqual([['recent-1', now - 60_000], ['recent-2', now - 60_000]]);
  });

  it('catches up on what was published while its connection was down, and asks for a key reload', async () => {
    const prefix = fresh();
    const name = `tessera-feed-test-${randomId(6)}`;
    const own = await connectRedis(REDIS_URL, { connectionName: name });
    const { feed, revoked, keys } = await start(prefix, undefined, undefined, own);
    // The feed subscribes on a duplicate of `own`, which inherits its connection name.
    const subscriber = ((await redis.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string).split('\n').find((line) => line.includes(` name=${name} `));
    const clientId = /^id=(\d+)/.exec(subscriber ?? '')?.[1];
    expect(clientId).toBeDefined();
    await redis.client('KILL', 'ID', clientId!);
    // Published while the subscriber reconnects (it waits at least 100 ms): only the resync can deliver it.
    await publishRevocations(redis, ['missed'], Date.now(), prefix);
    await vi.waitFor(() => expect(revoked.map(([id]) => id)).toEqual(['missed']), { timeout: 5_000 });
    expect(keys).toEqual([null]);
    // And it is subscribed again.
    await publishRevocations(redis, ['live'], Date.now(), prefix);
    await vi.waitFor(() => expect(revoked.map(([id]) => id)).toEqual(['missed', 'live']));
    await feed.close();
    await closeRedis(own);
  });

  it('ignores malformed messages and delivers key rotations', async () => {
    const prefix = fresh();
    const { revoked, keys } = await start(prefix, 1, () => 0);
    await redis.publish(`${prefix}revocations`, 'not json');
    await redis.publish(`${prefix}revocations`, '{"v":2,"sessionIds":["x"],"revokedAt":1}');
    await redis.publish(`${prefix}keys`, '{"v":1,"event":"rotated"}');
    await publishRevocations(redis, ['good'], 1234, prefix);
    await publishKeyRotation(redis, 'kid-2', prefix);
    await vi.waitFor(() => expect(keys).toEqual(['kid-2']));
    await publishRevocations(redis, ['last'], 5678, prefix);
    await vi.waitFor(() => expect(revoked).toEqual([['good', 1234], ['last', 5678]]));
  });
});
