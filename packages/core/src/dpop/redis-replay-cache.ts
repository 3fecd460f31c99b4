import { redisNames } from '@tessera/wire';
import { TesseraError } from '../errors.js';
import type { DpopReplayCache } from './types.js';

/**
 * The one Redis command the replay cache needs, as ioredis spells it (`redis.set(key, '1', 'PXAT', ms, 'NX')`):
 * an ioredis client fits as it is. Passed in, so core opens no connection of its own.
 */
export interface ReplayCacheRedis {
  set(key: string, value: string, expiryMode: 'PXAT', unixTimeMs: number, condition: 'NX'): Promise<'OK' | null>;
}

/**
 * A replay cache shared by every instance on one Redis (Redis ≥ 6.2): `SET … NX PXAT` is atomic, so of any
 * number of instances seeing one proof at once exactly one accepts it, and the key expires by itself when the
 * proof could no longer be fresh. Redis down is `unavailable` (503): failing open would let proofs be replayed.
 */
export function createRedisReplayCache(redis: ReplayCacheRedis, options: { keyPrefix?: string } = {}): DpopReplayCache {
  const names = redisNames(options.keyPrefix);
  return {
    async claim(id, expiresAtMs) {
      let answer: 'OK' | null;
      try {
        answer = await redis.set(names.dpopProof(id), '1', 'PXAT', Math.ceil(expiresAtMs), 'NX');
      } catch (error) {
        throw new TesseraError('unavailable', undefined, { cause: error });
      }
      return answer === 'OK';
    },
  };
}
