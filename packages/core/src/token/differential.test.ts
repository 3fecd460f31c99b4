/**
 * Differential tests against jose: whatever our verifier accepts, jose — verifying from our JWKS with the same
 * issuer, audience, typ, tolerance and clock — accepts too, with identical claims. We may be stricter, never
 * looser. And every well-formed token we sign verifies with jose.
 */
import fc from 'fast-check';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { generateSigningKey } from '../keys/generate.js';
import { deriveHs256Key } from '../keys/hs256.js';
import { publicJwk } from '../keys/public-jwk.js';
import { signAccessToken } from './sign.js';
import { createSignature } from './signature.js';
import type { AccessTokenClaims, SigningAlg, SigningKey, VerificationKey } from './types.js';
import { createAccessTokenVerifier } from './verify.js';

const ALGS = ['ES256', 'EdDSA', 'RS256', 'HS256'] as const;
const ISS = 'https://auth.example';
const AUDS = ['tessera', 'reports'];
const TOLERANCE = 5;
const BASE = 1_750_000_000;
const ALPHABET = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];

const makeKey = (alg: SigningAlg, seed: number): SigningKey => (alg === 'HS256' ? deriveHs256Key(Buffer.alloc(32, seed)) : generateSigningKey(alg));
const ours = Object.fromEntries(ALGS.map((alg) => [alg, makeKey(alg, 1)])) as Record<SigningAlg, SigningKey>;
const strangers = Object.fromEntries(ALGS.map((alg) => [alg, makeKey(alg, 2)])) as Record<SigningAlg, SigningKey>;
const registered = new Map<string, VerificationKey>(ALGS.map((alg) => [ours[alg].kid, { kid: ours[alg].kid, alg, key: ours[alg].publicKey }]));
const jwks = jose.createLocalJWKSet({ keys: ALGS.filter((alg) => alg !== 'HS256').map((alg) => ({ ...publicJwk(ours[alg]) })) });

const clock = { ms: BASE * 1000 };
const verify = createAccessTokenVerifier({
  issuer: ISS, audience: AUDS, resolveKey: (kid) => registered.get(kid), clockToleranceSeconds: TOLERANCE, now: () => clock.ms, cacheSize: 0,
});

/** jose as a relying party would run it: the key from the JWKS by kid (HS256: the shared secret). */
async function joseVerify(token: string): Promise<jose.JWTPayload> {
  const { kid } = jose.decodeProtectedHeader(token);
  const key = registered.get(String(kid));
  if (key === undefined) throw new Error('accepted a token whose kid is not registered');
  const options: jose.JWTVerifyOptions = {
    issuer: ISS, audience: AUDS, algorithms: [key.alg], typ: 'at+jwt', clockTolerance: TOLERANCE, currentDate: new Date(clock.ms), requiredClaims: ['exp', 'iat'],
  };
  const result = key.alg === 'HS256' ? await jose.jwtVerify(token, key.key, options) : await jose.jwtVerify(token, jwks, options);
  return result.payload;
}

const setMember = (target: Record<string, unknown>, [name, value]: readonly [string, unknown]) => {
  if (value === undefined) delete target[name];
  else Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
};
const time = fc.oneof(
  { arbitrary: fc.integer({ min: -60, max: 960 }).map((d) => BASE + d), weight: 4 },
  { arbitrary: fc.double({ min: BASE - 60, max: BASE + 960 }), weight: 2 },
  { arbitrary: fc.oneof(fc.double(), fc.constantFrom<unknown>('1', null, undefined)), weight: 1 },
);
const headerEdit = fc.oneof(
  fc.tuple(fc.constant('alg'), fc.constantFrom<unknown>(...ALGS, 'none', 'NONE', 'es256', 'PS256', undefined)),
  fc.tuple(fc.constant('kid'), fc.constantFrom<unknown>(...ALGS.map((alg) => ours[alg].kid), strangers.ES256.kid, '', 7, undefined)),
  fc.tuple(fc.constant('typ'), fc.constantFrom<unknown>('JWT', 'AT+JWT', 'application/at+jwt', 'at+jwt ', null, undefined)),
  fc.tuple(fc.constantFrom('crit', 'b64', 'jku', 'jwk', 'x5c', 'x5u', 'cty', 'zip', 'extra'), fc.jsonValue({ maxDepth: 2 })),
);
const claimEdit = fc.oneof(
  fc.tuple(fc.constant('iss'), fc.constantFrom<unknown>(`${ISS}/`, 'other', null, undefined, [ISS])),
  fc.tuple(fc.constant('aud'), fc.constantFrom<unknown>(...AUDS, 'other', [AUDS[0]], [...AUDS], [], null, undefined)),
  { arbitrary: fc.tuple(fc.constantFrom('exp', 'iat', 'nbf'), time), weight: 3 },
  fc.tuple(fc.constantFrom('sub', 'sid', 'jti'), fc.oneof(fc.string(), fc.constantFrom<unknown>(undefined, 0, null))),
  fc.tuple(fc.constant('roles'), fc.oneof(fc.array(fc.string(), { maxLength: 3 }), fc.constantFrom<unknown>('admin', [1], undefined))),
  { arbitrary: fc.tuple(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 })), weight: 3 },
);
const flip = fc.record({ segment: fc.integer({ min: 0, max: 2 }), at: fc.nat(), char: fc.constantFrom(...ALPHABET, '=', '+', '/', ' ', '.') });

const scenario = (alg: SigningAlg) =>
  fc.record({
    ttl: fc.integer({ min: 1, max: 900 }),
    headerEdits: fc.oneof({ arbitrary: fc.constant([]), weight: 3 }, { arbitrary: fc.array(headerEdit, { minLength: 1, maxLength: 2 }), weight: 1 }),
    claimEdits: fc.oneof({ arbitrary: fc.constant([]), weight: 1 }, { arbitrary: fc.array(claimEdit, { minLength: 1, maxLength: 3 }), weight: 2 }),
    signer: fc.oneof({ arbitrary: fc.constant(ours[alg]), weight: 8 }, { arbitrary: fc.constantFrom(...ALGS.map((a) => ours[a]), strangers[alg]), weight: 2 }),
    flips: fc.oneof({ arbitrary: fc.constant([]), weight: 5 }, { arbitrary: fc.array(flip, { minLength: 1, maxLength: 2 }), weight: 1 }),
    shiftMs: fc.integer({ min: -10_000, max: 920_000 }),
  });

type Scenario = ReturnType<typeof scenario> extends fc.Arbitrary<infer T> ? T : never;

function buildToken(alg: SigningAlg, s: Scenario): string {
  const header: Record<string, unknown> = { alg, kid: ours[alg].kid, typ: 'at+jwt' };
  const claims: Record<string, unknown> = { iss: ISS, aud: AUDS[0], sub: 'user-1', sid: 'session-1', jti: 'jti-1', iat: BASE, exp: BASE + s.ttl, roles: ['user'] };
  for (const edit of s.headerEdits) setMember(header, edit);
  for (const edit of s.claimEdits) setMember(claims, edit);
  const signingInput = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const parts = `${signingInput}.${createSignature(s.signer, signingInput).toString('base64url')}`.split('.');
  for (const { segment, at, char } of s.flips) {
    const text = parts[segment] ?? '';
    if (text.length > 0) parts[segment] = text.slice(0, at % text.length) + char + text.slice((at % text.length) + 1);
  }
  return parts.join('.');
}

describe('differential: our verifier vs jose', () => {
  it.each(ALGS)('%s: whatever we accept, jose accepts with identical claims', async (alg) => {
    const seen = { accepted: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(scenario(alg), async (s) => {
        const token = buildToken(alg, s);
        clock.ms = BASE * 1000 + s.shiftMs;
        let claims: AccessTokenClaims;
        try {
          claims = verify(token);
        } catch (error) {
          expect(error).toBeInstanceOf(TesseraError);
          seen.refused++;
          return;
        }
        seen.accepted++;
        expect(await joseVerify(token)).toEqual(claims);
      }),
      { numRuns: 300 },
    );
    // Neither side of the property is vacuous.
    expect(seen.accepted).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  const wellFormed = fc.record({
    sub: fc.string({ minLength: 1 }),
    sid: fc.string({ minLength: 1 }),
    jti: fc.string({ minLength: 1 }),
    aud: fc.constantFrom(...AUDS),
    roles: fc.array(fc.string(), { maxLength: 4 }),
    ttl: fc.integer({ min: 6, max: 86_400 }),
    age: fc.integer({ min: -5, max: 5 }),
    extra: fc.dictionary(fc.constantFrom('tenant', 'scope', 'org', 'plan'), fc.jsonValue({ maxDepth: 3 })),
  });
  it.each(ALGS)('%s: every well-formed token we sign verifies with jose and with us, identically', async (alg) => {
    await fc.assert(
      fc.asyncProperty(wellFormed, async ({ ttl, age, extra, ...identity }) => {
        const input: AccessTokenClaims = { ...extra, iss: ISS, ...identity, iat: BASE, exp: BASE + ttl };
        const token = signAccessToken(ours[alg], input);
        clock.ms = (BASE + age) * 1000;
        const expected = JSON.parse(JSON.stringify(input)) as unknown;
        expect(verify(token)).toEqual(expected);
        expect(await joseVerify(token)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
