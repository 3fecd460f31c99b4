import { describe, expect, it } from 'vitest';
import { TokenCache } from './token-cache.js';
import type { AccessTokenClaims } from './types.js';

const claimsOf = (sub: string) => ({ sub }) as AccessTokenClaims;
const tail = 'S'.repeat(24);

describe('TokenCache', () => {
  it('answers only for the exact token, even when another token ends the same way', () => {
    const cache = new TokenCache(10);
    const [first, second] = [`h.p1.${tail}`, `h.p2.${tail}`];
    cache.add(first, claimsOf('first'), 'k1');
    expect(cache.get(first)?.claims.sub).toBe('first');
    expect(cache.get(second)).toBeUndefined();
    cache.add(second, claimsOf('second'), 'k1');
    expect(cache.get(second)?.claims.sub).toBe('second');
    expect(cache.get(first)).toBeUndefined();
    cache.delete(first);
    expect(cache.get(second)?.claims.sub).toBe('second');
    cache.delete(second);
    expect(cache.get(second)).toBeUndefined();
  });

  it('evicts the oldest entry at capacity', () => {
    const cache = new TokenCache(2);
    const tokens = ['a', 'b', 'c'].map((n) => `h.p.${n.repeat(30)}`) as [string, string, string];
    for (const token of tokens) cache.add(token, claimsOf(token), 'k1');
    expect(cache.get(tokens[0])).toBeUndefined();
    expect(cache.get(tokens[1])?.claims.sub).toBe(tokens[1]);
    expect(cache.get(tokens[2])?.claims.sub).toBe(tokens[2]);
  });
});
