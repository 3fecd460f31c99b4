import * as jose from 'jose';
import { refusal } from '../../test/helpers.js';
import { describe, expect, it } from 'vitest';
import { generateSigningKey } from '../keys/generate.js';
import { deriveHs256Key } from '../keys/hs256.js';
import { publicJwk } from '../keys/public-jwk.js';
import { createJti } from './jti.js';
import { signAccessToken } from './sign.js';
import { createSignature } from './signature.js';
import type { AccessTokenClaims, AccessTokenVerifierOptions, SigningKey, VerificationKey } from './types.js';
import { createAccessTokenVerifier } from './verify.js';

const ISS = 'https://auth.example';
const AUD = 'tessera';
const NOW = Date.UTC(2025, 0, 1, 12);
const NOW_S = NOW / 1000;
const KEYS = [generateSigningKey('ES256'), generateSigningKey('EdDSA'), generateSigningKey('RS256'), deriveHs256Key(Buffer.alloc(32, 5))];
const ES = KEYS[0] as SigningKey;
const byKid = new Map<string, VerificationKey>(KEYS.map((key) => [key.kid, { kid: key.kid, alg: key.alg, key: key.publicKey }]));

const claims = (over: Record<string, unknown> = {}): AccessTokenClaims =>
  ({ iss: ISS, aud: AUD, sub: 'user-1', sid: 'session-1', jti: createJti(), iat: NOW_S, exp: NOW_S + 900, roles: ['user'], ...over }) as AccessTokenClaims;

function makeVerifier(over: Partial<AccessTokenVerifierOptions> = {}) {
  const clock = { ms: NOW };
  const verify = createAccessTokenVerifier({ issuer: ISS, audience: [AUD, 'other-api'], resolveKey: (kid) => byKid.get(kid), now: () => clock.ms, ...over });
  return { clock, verify };
}

/** Signs an arbitrary payload (an object, JSON text or raw bytes, bypassing AccessTokenClaims typing) with the standard header. */
function signRaw(key: SigningKey, payload: unknown): string {
  const header = Buffer.from(JSON.stringify({ alg: key.alg, kid: key.kid, typ: 'at+jwt' })).toString('base64url');
  const bytes = Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  const body = bytes.toString('base64url');
  return `${header}.${body}.${createSignature(key, `${header}.${body}`).toString('base64url')}`;
}

describe('signAccessToken + createAccessTokenVerifier', () => {
  it.each(KEYS.map((key) => [key.alg, key] as const))('%s: signs with header exactly {alg, kid, typ}; we and jose (from the JWKS) verify it', async (alg, key) => {
    const { verify } = makeVerifier();
    const input = claims({ tenant: 'acme' });
    const token = signAccessToken(key, input);
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as unknown;
    expect(header).toStrictEqual({ alg, kid: key.kid, typ: 'at+jwt' });
    expect(verify(token)).toEqual(input);
    const joseKey = alg === 'HS256' ? key.publicKey : jose.createLocalJWKSet({ keys: [{ ...publicJwk(key) }] });
    const result = await jose.jwtVerify(token, joseKey as Parameters<typeof jose.jwtVerify>[1], {
      issuer: ISS, audience: AUD, algorithms: [alg], typ: 'at+jwt', currentDate: new Date(NOW), requiredClaims: ['exp', 'iat'],
    });
    expect(result.payload).toEqual(input);
    expect(token.length).toBeLessThan(1024);
  });

  it('accepts any configured audience and refuses the others', () => {
    const { verify } = makeVerifier();
    expect(verify(signAccessToken(ES, claims({ aud: 'other-api' }))).aud).toBe('other-api');
    expect(refusal(() => verify(signAccessToken(ES, claims({ aud: 'third' })))).message).toMatch(/another audience/);
  });

  it('applies the clock tolerance to exp exactly as jose does (exp <= now - tolerance is expired)', () => {
    const { verify } = makeVerifier({ clockToleranceSeconds: 5 });
    expect(verify(signAccessToken(ES, claims({ exp: NOW_S - 4 }))).sub).toBe('user-1');
    expect(refusal(() => verify(signAccessToken(ES, claims({ exp: NOW_S - 5 })))).code).toBe('token_expired');
  });

  it('refuses malformed claims with invalid_token', () => {
    const { verify } = makeVerifier();
    const cases: [unknown, RegExp][] = [
      [[1, 2], /payload is not a JSON object/],
      ['"text"', /payload is not a JSON object/],
      [claims({ exp: '9999999999' }), /no numeric exp/],
      ['{"iss":"x","exp":1e999}', /no numeric exp/],
      [claims({ iat: undefined }), /no numeric iat/],
      [claims({ nbf: 'soon' }), /nbf claim is not a number/],
      [claims({ nbf: null }), /nbf claim is not a number/],
      [claims({ sub: '' }), /sub claim is missing or empty/],
      [claims({ sid: undefined }), /sid claim is missing or empty/],
      [claims({ jti: 7 }), /jti claim is missing or empty/],
      [claims({ roles: 'admin' }), /roles claim is not an array of strings/],
      [claims({ roles: ['user', 1] }), /roles claim is not an array of strings/],
    ];
    for (const [payload, message] of cases) {
      const error = refusal(() => verify(signRaw(ES, payload)));
      expect(error.code).toBe('invalid_token');
      expect(error.message).toMatch(message);
    }
  });

  it('refuses a header that is not well-formed UTF-8, and a non-string token', () => {
    const { verify } = makeVerifier();
    const token = signAccessToken(ES, claims());
    const bad = Buffer.concat([Buffer.from('{"alg":"ES256","x":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]).toString('base64url');
    expect(refusal(() => verify(`${bad}.${token.split('.').slice(1).join('.')}`)).message).toMatch(/header is not a JSON object/);
    expect(refusal(() => verify(42 as unknown as string)).code).toBe('invalid_token');
  });

  it('reads non-ASCII claims as UTF-8 and refuses a payload that is not well-formed UTF-8', () => {
    const { verify } = makeVerifier();
    expect(verify(signAccessToken(ES, claims({ name: 'Zoë 😀 日本' }))).name).toBe('Zoë 😀 日本');
    const valid = Buffer.from(JSON.stringify(claims({ name: 'Zoë' })));
    expect(verify(signRaw(ES, valid)).name).toBe('Zoë');
    const bad = Buffer.from(valid);
    bad[bad.indexOf(Buffer.from('ë')) + 1] = 0x28; // 0xc3 0x28: a lead byte followed by an ASCII byte
    expect(refusal(() => verify(signRaw(ES, bad))).message).toMatch(/payload is not a JSON object/);
  });

  it('verifies tokens far longer than its reusable decoding buffers', () => {
    const { verify } = makeVerifier({ maxTokenLength: 100_000 });
    for (const key of KEYS) {
      const verified = verify(signAccessToken(key, claims({ blob: 'é'.repeat(20_000) })));
      expect(verified.blob).toBe('é'.repeat(20_000));
    }
  });

  it('validates its options once, at creation', () => {
    const base: AccessTokenVerifierOptions = { issuer: ISS, audience: AUD, resolveKey: () => undefined };
    expect(() => createAccessTokenVerifier({ ...base, issuer: '' })).toThrow(/issuer/);
    expect(() => createAccessTokenVerifier({ ...base, issuer: undefined as unknown as string })).toThrow(/issuer/);
    expect(() => createAccessTokenVerifier({ ...base, audience: [] })).toThrow(/audience/);
    expect(() => createAccessTokenVerifier({ ...base, audience: undefined as unknown as string })).toThrow(/audience/);
    expect(() => createAccessTokenVerifier({ ...base, resolveKey: undefined as unknown as () => undefined })).toThrow(/resolveKey/);
    expect(() => createAccessTokenVerifier({ ...base, clockToleranceSeconds: 61 })).toThrow(/between 0 and 60/);
    expect(() => createAccessTokenVerifier({ ...base, clockToleranceSeconds: -1 })).toThrow(/between 0 and 60/);
    expect(() => createAccessTokenVerifier({ ...base, cacheSize: -1 })).toThrow(/cache size/);
    expect(() => createAccessTokenVerifier({ ...base, maxTokenLength: 0 })).toThrow(/maximum token length/);
    expect(() => createAccessTokenVerifier({ ...base, clockToleranceSeconds: 60 })).not.toThrow();
  });

  it('fails closed when the clock returns something that is not a number', () => {
    const { verify } = makeVerifier({ now: () => Number.NaN });
    expect(() => verify(signAccessToken(ES, claims({ exp: NOW_S - 3600 })))).toThrow(/finite number/);
  });
});

describe('the verified-token cache', () => {
  // A hit hands back the very object verified before; a full verification parses a new one.
  function cached(cacheSize: number) {
    const revoked = new Set<string>();
    const keys = new Map(byKid);
    const { clock, verify } = makeVerifier({ cacheSize, resolveKey: (kid) => keys.get(kid), isSessionRevoked: (sid) => revoked.has(sid) });
    return { clock, verify, revoked, keys };
  }

  it('returns the same deeply frozen claims on a hit without verifying again', () => {
    const { verify } = cached(10);
    const token = signAccessToken(ES, claims({ profile: { tier: 'gold' } }));
    const first = verify(token);
    expect(verify(token)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles) && Object.isFrozen(first.profile)).toBe(true);
    expect(() => first.roles.push('admin')).toThrow(TypeError);
  });

  it('freezes every nested value, whatever brackets appear inside strings', () => {
    const { verify } = cached(10);
    const shapes: Record<string, unknown>[] = [{}, { note: 'a [b] {c}' }, { tags: ['x'], note: '[' }, { profile: { tier: 'gold', tags: ['y'] } }];
    for (const extra of shapes) {
      const verified = verify(signAccessToken(ES, claims(extra))) as Record<string, unknown>;
      const nested = [verified.roles, verified.tags, verified.profile, (verified.profile as { tags?: unknown } | undefined)?.tags];
      expect(Object.isFrozen(verified)).toBe(true);
      for (const value of nested) if (value !== undefined) expect(Object.isFrozen(value)).toBe(true);
    }
  });

  it('evicts the oldest entry first when full', () => {
    const { verify } = cached(2);
    const [a, b, c] = [1, 2, 3].map((n) => signAccessToken(ES, claims({ sub: `user-${n}` }))) as [string, string, string];
    const [first, second, third] = [verify(a), verify(b), verify(c)];
    expect(verify(c)).toBe(third);
    expect(verify(b)).toBe(second);
    expect(verify(a)).not.toBe(first);
  });

  it('keeps only fully verified tokens, and is off with cacheSize 0', () => {
    const { verify, revoked } = cached(10);
    const token = signAccessToken(ES, claims());
    revoked.add('session-1');
    expect(refusal(() => verify(token)).message).toMatch(/revoked/);
    revoked.clear();
    const verified = verify(token);
    expect(verify(token)).toBe(verified);
    const off = cached(0);
    expect(off.verify(token)).not.toBe(off.verify(token));
  });

  it('stops a cached token at once when its key leaves the key set (a withdrawn, compromised key)', () => {
    const { verify, keys } = cached(10);
    const token = signAccessToken(ES, claims());
    verify(token);
    keys.delete(ES.kid);
    expect(refusal(() => verify(token)).message).toMatch(/kid does not name a current key/);
    keys.set(ES.kid, { kid: ES.kid, alg: ES.alg, key: ES.publicKey });
    expect(verify(token).sub).toBe('user-1');
  });

  it('counts hits and misses for metrics: a hit is this very token found with its key still current', () => {
    const { verify, keys } = cached(10);
    const token = signAccessToken(ES, claims());
    expect(verify.cacheStats()).toEqual({ hits: 0, misses: 0 });
    verify(token);
    verify(token);
    verify(token);
    expect(verify.cacheStats()).toEqual({ hits: 2, misses: 1 });
    // A refused token is a miss too (it went through full verification), and a withdrawn key turns a hit into one.
    expect(() => verify('not.a.token')).toThrow();
    keys.delete(ES.kid);
    expect(() => verify(token)).toThrow();
    expect(verify.cacheStats()).toEqual({ hits: 2, misses: 3 });
    const off = cached(0);
    off.verify(token);
    expect(off.verify.cacheStats()).toEqual({ hits: 0, misses: 0 });
  });
});

describe('the verified-token cache', () => {
  it('never lets a cached signature vouch for another payload (transplanted onto an edited token)', () => {
    const { verify } = makeVerifier();
    const token = signAccessToken(ES, claims({ roles: ['user'] }));
    expect(verify(token).roles).toEqual(['user']);
    const [header, , signature] = token.split('.');
    const edited = Buffer.from(JSON.stringify(claims({ roles: ['admin'] }))).toString('base64url');
    expect(refusal(() => verify(`${header}.${edited}.${signature}`)).message).toMatch(/signature is invalid/);
    expect(verify(token).roles).toEqual(['user']);
  });
});
