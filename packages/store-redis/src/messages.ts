import type { KeyRotationMessage, RevocationMessage } from '@tessera/core';
import type { Redis } from 'ioredis';
import { withStoreErrors } from './errors.js';
import { DEFAULT_KEY_PREFIX, redisNames, REVOKED_RETENTION_MS } from './names.js';

// The message shapes and their parsers live in @tessera/core, shared with every consumer of the feed.
export { parseKeyRotationMessage, parseRevocationMessage, type KeyRotationMessage, type RevocationMessage } from '@tessera/core';

/**
 * Records revocations in the revoked set, trims it, and publishes them, in one MULTI — for writers other than
 * the Redis session store (which does the same inside its Lua scripts).
 */
export async function publishRevocations(redis: Redis, sessionIds: readonly string[], revokedAtMs: number, keyPrefix = DEFAULT_KEY_PREFIX): Promise<void> {
  if (sessionIds.length === 0) return;
  const names = redisNames(keyPrefix);
  const message: RevocationMessage = { v: 1, sessionIds: [...sessionIds], revokedAt: revokedAtMs };
  await withStoreErrors(async () => {
    const multi = redis.multi();
    for (const id of sessionIds) multi.zadd(names.revoked, revokedAtMs, id);
    multi.zremrangebyscore(names.revoked, '-inf', revokedAtMs - REVOKED_RETENTION_MS);
    multi.publish(names.revocationsChannel, JSON.stringify(message));
    const results = await multi.exec();
    const failed = results?.find(([error]) => error !== null)?.[0];
    if (failed) throw failed;
  });
}

/** Tells every subscribed server that a new key signs (after `tessera keys rotate`); rejects with TesseraError('unavailable') when Redis can't be reached. */
export async function publishKeyRotation(redis: Redis, kid: string, keyPrefix = DEFAULT_KEY_PREFIX): Promise<void> {
  const message: KeyRotationMessage = { v: 1, event: 'rotated', kid };
  await withStoreErrors(() => redis.publish(redisNames(keyPrefix).keysChannel, JSON.stringify(message)));
}
