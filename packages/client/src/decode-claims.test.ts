import { describe, expect, it } from 'vitest';
import { decodeClaims } from './decode-claims.js';

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('decodeClaims', () => {
  it('reads the payload of a compact JWT without verifying it', () => {
    const claims = { sub: 'u1', exp: 1_900_000_000, roles: ['admin'], name: 'Zoë 東京 🎉' };
    expect(decodeClaims(`${part({ alg: 'ES256' })}.${part(claims)}.c2ln`)).toEqual(claims);
    // Nothing is checked: an unsigned token decodes just the same (which is why it is display-only).
    expect(decodeClaims(`${part({ alg: 'none' })}.${part(claims)}.`)).toEqual(claims);
  });

  it.each([
    ['an empty string', ''],
    ['a random string', 'hello world'],
    ['two segments', `${part({})}.${part({ a: 1 })}`],
    ['four segments', `a.${part({ a: 1 })}.c.d`],
    ['an empty payload', 'a..c'],
    ['a payload that is not base64url', 'a.!!!.c'],
    ['an impossible base64 length', 'a.abcde.c'],
    ['a payload that is not JSON', `a.${part('not json')}.c`],
    ['a JSON array', `a.${part([1, 2])}.c`],
    ['JSON null', `a.${part('null')}.c`],
    ['a JSON string', `a.${part('"x"')}.c`],
    ['invalid UTF-8', `a.${Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString('base64url')}.c`],
  ])('returns null for %s', (_, token) => {
    expect(decodeClaims(token)).toBeNull();
  });

  it('returns null for values that are not strings at all', () => {
    expect(decodeClaims(undefined as unknown as string)).toBeNull();
    expect(decodeClaims(42 as unknown as string)).toBeNull();
  });
});
