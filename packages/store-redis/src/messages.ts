import type { Redis } from 'ioredis';
import { guard } from './errors.js';
import { DEFAULT_KEY_PREFIX, redisNames, REVOKED_RETENTION_MS } from './names.js';

// The messages of docs/revocation-feed.md. A message that is not exactly this shape is ignored: anyone who can
// publish on the channel could otherwise feed a consumer garbage.

export interface RevocationMessage {
  v: 1;
  sessionIds: string[];
  /** Epoch milliseconds. */
  revokedAt: number;
}

export interface KeyRotationMessage {
  v: 1;
  event: 'rotated';
  kid: string;
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function parseRevocationMessage(text: string): RevocationMessage | null {
  const m = parseObject(text);
  if (!m || m.v !== 1 || !Array.isArray(m.sessionIds) || typeof m.revokedAt !== 'number' || !Number.isFinite(m.revokedAt)) return null;
  const ids = m.sessionIds as unknown[];
  if (!ids.every((id): id is string => typeof id === 'string')) return null;
  return { v: 1, sessionIds: ids, revokedAt: m.revokedAt };
}

export function parseKeyRotationMessage(text: string): KeyRotationMessage | null {
  const m = parseObject(text);
  if (!m || m.v !== 1 || m.event !== 'rotated' || typeof m.kid !== 'string') return null;
  return { v: 1, event: 'rotated', kid: m.kid };
}

/**
 * Records revocations in the revoked set, trims it, and publishes them, in one MULTI — for writers other than
 * the Redis session store (which does the same inside its Lua scripts).
 */
export async function publishRevocations(redis: Redis, sessionIds: readonly string[], revokedAtMs: number, keyPrefix = DEFAULT_KEY_PREFIX): Promise<void> {
  if (sessionIds.length === 0) return;
  const names = redisNames(keyPrefix);
  const message: RevocationMessage = { v: 1, sessionIds: [...sessionIds], revokedAt: revokedAtMs };
  await guard(async () => {
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
  await guard(() => redis.publish(redisNames(keyPrefix).keysChannel, JSON.stringify(message)));
}
