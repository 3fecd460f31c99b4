/** Every Redis name Tessera uses, under one configurable prefix (default `tessera:`). */
export interface RedisNames {
  prefix: string;
  /** Hash: one session. */
  session(id: string): string;
  /** Sorted set: a user's session ids, scored by createdAt (ms). */
  userSessions(userId: string): string;
  /** Sorted set: every session id, scored by when it dies (the earlier of idle and absolute expiry, ms). */
  expiry: string;
  /** Sorted set (docs/revocation-feed.md): revoked session id → revokedAt (ms). */
  revoked: string;
  /** Pub/sub channel (docs/revocation-feed.md): revocation messages. */
  revocationsChannel: string;
  /** Pub/sub channel (docs/revocation-feed.md): key rotation messages. */
  keysChannel: string;
  /** String, expiring when its proof could no longer be fresh: a DPoP proof (`<jkt>.<jti>`) already used. */
  dpopProof(id: string): string;
}

export const DEFAULT_KEY_PREFIX = 'tessera:';

export function redisNames(prefix: string = DEFAULT_KEY_PREFIX): RedisNames {
  if (prefix === '') throw new RangeError('keyPrefix must not be empty; the default is "tessera:".');
  return {
    prefix,
    session: (id) => `${prefix}session:${id}`,
    userSessions: (userId) => `${prefix}user:${userId}:sessions`,
    expiry: `${prefix}sessions:expiry`,
    revoked: `${prefix}revoked`,
    revocationsChannel: `${prefix}revocations`,
    keysChannel: `${prefix}keys`,
    dpopProof: (id) => `${prefix}dpop:${id}`,
  };
}
