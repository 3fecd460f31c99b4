// The Redis names are part of the wire contract: a guard reads the same keys and channels the stores write.
export { DEFAULT_KEY_PREFIX, redisNames, type RedisNames } from '@tessera/wire';

/**
 * How long the `revoked` set (and a revoked session's record) is kept: 24 h, which the wire format fixes
 * because a guard does not know the issuer's access lifetime.
 */
export const REVOKED_RETENTION_MS = 24 * 60 * 60 * 1000;
