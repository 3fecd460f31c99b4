import { TesseraError } from '@tessera/core';
import { at, createMemoryStores, DAY, HOUR, makeSession, randomId, runStoreConformance } from '@tessera/testing';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeRedis, connectRedis } from './client.js';
import { REVOKED_RETENTION_MS } from './names.js';
import { collect, dropPrefix, REDIS_URL, redisAvailable, testPrefix } from '@tessera/testing/redis';
import { createRedisSessionStore } from './session-store.js';

const available = await redisAvailable();

describe.skipIf(!available)('Redis session store', () => {
  let redis: Redis;
  const prefixes: string[] = [];
  const fresh = () => {
    const prefix = testPrefix();
    prefixes.push(prefix);
    return { prefix, sessions: createRedisSessionStore(redis, { keyPrefix: prefix }) };
  };

  beforeAll(async () => {
    redis = await connectRedis(REDIS_URL);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await dropPrefix(redis, prefix);
    await closeRedis(redis);
  });

  // The suite needs whole Stores: Redis holds the sessions, users and keys stay in memory (as they stay in SQL).
  runStoreConformance('conformance', async () => {
    const { prefix, sessions } = fresh();
    const memory = createMemoryStores();
    return { ...memory, sessions, close: () => dropPrefix(redis, prefix) };
  });

  it('publishes each revocation on <prefix>revocations and records it in <prefix>revoked, as docs/revocation-feed.md says', async () => {
    const { prefix, sessions } = fresh();
    const listener = collect(redis, `${prefix}revocations`);
    await listener.ready;
    const [a, b, c] = [makeSession('u1'), makeSession('u1'), makeSession('u1')];
    for (const s of [a, b, c]) await sessions.createSession(s);
    await sessions.revokeSession(a.id, at(HOUR), 'logout');
    await sessions.revokeSession(a.id, at(2 * HOUR), 'logout'); // already revoked: no second message
    const all = await sessions.revokeUserSessions('u1', at(3 * HOUR), 'logout_all');
    await vi.waitFor(() => expect(listener.received).toHaveLength(2));
    await listener.close();
    expect(JSON.parse(listener.received[0]!)).toEqual({ v: 1, sessionIds: [a.id], revokedAt: at(HOUR).getTime() });
    const second = JSON.parse(listener.received[1]!) as { v: number; sessionIds: string[]; revokedAt: number };
    expect({ ...second, sessionIds: [...second.sessionIds].sort() }).toEqual({ v: 1, sessionIds: [b.id, c.id].sort(), revokedAt: at(3 * HOUR).getTime() });
    expect(all.map((r) => r.id).sort()).toEqual([b.id, c.id].sort());
    expect(await redis.zscore(`${prefix}revoked`, a.id)).toBe(String(at(HOUR).getTime()));
    expect(await redis.zscore(`${prefix}revoked`, b.id)).toBe(String(at(3 * HOUR).getTime()));
  });

  it('trims the revoked set to the last 24 hours on every write', async () => {
    const { prefix, sessions } = fresh();
    const [old, recent] = [makeSession('u1'), makeSession('u1')];
    for (const s of [old, recent]) await sessions.createSession(s);
    await sessions.revokeSession(old.id, at(), 'logout');
    await sessions.revokeSession(recent.id, at(DAY + 1), 'logout');
    expect(await redis.zrange(`${prefix}revoked`, 0, -1)).toEqual([recent.id]);
  });

  it('lets Redis expire a session 24 h after it dies, and keeps a revoked one at least 24 h after revocation', async () => {
    const { prefix, sessions } = fresh();
    const session = makeSession('u1', { idleExpiresAt: at(HOUR), absoluteExpiresAt: at(DAY) });
    await sessions.createSession(session);
    const key = `${prefix}session:${session.id}`;
    expect(await redis.pexpiretime(key)).toBe(at(HOUR).getTime() + REVOKED_RETENTION_MS);
    expect(await redis.pexpiretime(`${prefix}user:u1:sessions`)).toBe(at(HOUR).getTime() + REVOKED_RETENTION_MS);

    await sessions.rotateSession(session.id, { expectedSecretHash: session.secretHash, newSecretHash: randomId(32), rotationNonce: randomId(), rotatedAt: at(1), idleExpiresAt: at(2 * DAY), earlierRotations: [] });
    // Rotation pushes the idle expiry out, but never past the absolute one.
    expect(await redis.pexpiretime(key)).toBe(at(DAY).getTime() + REVOKED_RETENTION_MS);

    await sessions.revokeSession(session.id, at(3 * DAY), 'logout');
    expect(await redis.pexpiretime(key)).toBe(at(3 * DAY).getTime() + REVOKED_RETENTION_MS);
  });

  it('keeps a revoked record past deleteExpiredSessions, so listRevokedSince still names its owner', async () => {
    const { sessions } = fresh();
    const session = makeSession('u1', { idleExpiresAt: at(HOUR) });
    await sessions.createSession(session);
    await sessions.revokeSession(session.id, at(HOUR - 1), 'logout');
    expect(await sessions.deleteExpiredSessions(at(2 * HOUR))).toBe(1);
    expect(await sessions.listRevokedSince(at())).toEqual([{ id: session.id, userId: 'u1', revokedAt: at(HOUR - 1) }]);
    expect(await sessions.listUserSessions('u1', at())).toEqual([]);
  });

  it('deletes expired sessions in batches without scanning the keyspace', async () => {
    const { sessions } = fresh();
    const many = Array.from({ length: 1_234 }, () => makeSession('u1', { idleExpiresAt: at(HOUR) }));
    const pipeline = many.map((s) => sessions.createSession(s));
    await Promise.all(pipeline);
    expect(await sessions.deleteExpiredSessions(at(2 * HOUR))).toBe(1_234);
    expect(await sessions.listUserSessions('u1', at())).toEqual([]);
  });

  it('rejects with TesseraError("unavailable") while the connection is down, then works again by itself', async () => {
    const { sessions } = fresh();
    const own = await connectRedis(REDIS_URL, { connectionName: `tessera-test-${randomId(6)}` });
    const store = createRedisSessionStore(own, { keyPrefix: prefixes.at(-1)! });
    const session = makeSession('u1');
    await sessions.createSession(session);
    const id = await own.client('ID');
    const closed = new Promise((resolve) => own.once('close', resolve));
    await redis.client('KILL', 'ID', String(id));
    await closed;
    const error = await store.findSession(session.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).code).toBe('unavailable');
    expect((error as TesseraError).cause).toBeInstanceOf(Error);
    await vi.waitFor(async () => expect((await store.findSession(session.id))?.id).toBe(session.id), { timeout: 5_000, interval: 50 });
    await closeRedis(own);
  });

  it('rejects with TesseraError("unavailable") when nothing listens at the URL', async () => {
    const error = await connectRedis('redis://127.0.0.1:1', { retryStrategy: () => null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TesseraError);
    expect((error as TesseraError).code).toBe('unavailable');
  });
});
