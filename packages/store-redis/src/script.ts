import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Script {
  lua: string;
  sha: string;
  numberOfKeys: number;
}

export function defineScript(lua: string, numberOfKeys: number): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex'), numberOfKeys };
}

/**
 * Runs a Lua script by its SHA and sends the source only when the server does not have it cached yet
 * (NOSCRIPT: a fresh server, a restart or SCRIPT FLUSH). A script runs atomically: no other command runs in
 * between its reads and writes, which is what makes rotation a compare-and-swap.
 */
export async function runScript(redis: Redis, script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  if (keys.length !== script.numberOfKeys) throw new RangeError(`script expects ${script.numberOfKeys} keys, got ${keys.length}`);
  try {
    return await redis.evalsha(script.sha, script.numberOfKeys, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ReplyError' && error.message.startsWith('NOSCRIPT'))) throw error;
    return redis.eval(script.lua, script.numberOfKeys, ...keys, ...args);
  }
}
