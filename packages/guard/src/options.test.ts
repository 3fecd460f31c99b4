import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveHs256Key, generateSigningKey, publicJwk } from '@tessera/core/keys';
import { deriveKeys, parseSecret } from '@tessera/core/secrets';
import { createJti, signAccessToken, type AccessTokenClaims, type SigningKey } from '@tessera/core/token';
import { createGuard, type GuardOptions } from './index.js';
import { SECRET, startTessera, type Tessera } from '../test/tessera.js';

const ISSUER = 'https://auth.example.test';
const base = { issuer: ISSUER, audience: 'tessera', algorithms: ['ES256'], jwksUrl: 'https://auth.example.test/.well-known/jwks.json' } as const;

function claims(extra: Partial<AccessTokenClaims> = {}): AccessTokenClaims {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: 'tessera', sub: 'u1', sid: 's1', jti: createJti(), iat: now, exp: now + 600, roles: ['admin'], ...extra };
}

describe('createGuard validates its options once, at creation, with one sentence', () => {
  const cases: [string, unknown, RegExp][] = [
    ['no options', undefined, /options are required/],
    ['no issuer', { ...base, issuer: undefined }, /createGuard: the verifier needs an issuer/],
    ['no audience', { ...base, audience: undefined }, /needs an audience/],
    ['an empty audience list', { ...base, audience: [] }, /needs an audience/],
    ['no algorithms', { ...base, algorithms: undefined }, /"algorithms" is required/],
    ['empty algorithms', { ...base, algorithms: [] }, /"algorithms" is required/],
    ['an unknown algorithm', { ...base, algorithms: ['ES256', 'none'] }, /"algorithms" contains "none"/],
    ['no key source', { ...base, jwksUrl: undefined }, /exactly one key source/],
    ['two key sources', { ...base, key: generateSigningKey('ES256').publicKey }, /exactly one key source/],
    ['an unparsable jwksUrl', { ...base, jwksUrl: 'not a url' }, /"jwksUrl" is not a valid URL/],
    ['a non-http jwksUrl', { ...base, jwksUrl: 'file:///etc/jwks.json' }, /must be an http\(s\) URL/],
    ['a negative cooldown', { ...base, cooldownMs: -1 }, /"cooldownMs"/],
    ['maxAge below the cooldown', { ...base, cooldownMs: 60_000, maxAgeMs: 1_000 }, /"maxAgeMs"/],
    ['a tolerance above 60 s', { ...base, clockToleranceSeconds: 61 }, /clock tolerance must be between 0 and 60/],
    ['a kid with a JWKS', { ...base, kid: 'k1' }, /"kid" only applies with "key"/],
    ['a revocation without ioredis', { ...base, revocation: { redis: {} } }, /"revocation.redis" must be an ioredis client/],
    ['a revocation with keepMs 0', { ...base, revocation: { redis: { duplicate() {}, zrangebyscore() {} }, keepMs: 0 } }, /"revocation.keepMs"/],
  ];
  for (const [name, options, message] of cases) {
    it(`refuses ${name}`, () => {
      expect(() => createGuard(options as GuardOptions)).toThrow(message);
    });
  }

  it('refuses private keys and keys outside the allowed algorithms', () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = { issuer: ISSUER, audience: 'tessera', algorithms: ['ES256'] } as const;
    expect(() => createGuard({ ...key, key: pair.privateKey })).toThrow(/private key; give the guard only the public key/);
    expect(() => createGuard({ ...key, key: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() })).toThrow(/private key/);
    expect(() => createGuard({ ...key, key: pair.privateKey.export({ format: 'jwk' }) })).toThrow(/private JWK/);
    expect(() => createGuard({ ...key, key: generateSigningKey('EdDSA').publicKey })).toThrow(/an EdDSA key, but "algorithms" does not include EdDSA/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey;
    expect(() => createGuard({ ...key, key: p384 })).toThrow(/not a P-256, Ed25519, RSA or HS256 key/);
    expect(() => createGuard({ ...key, algorithms: ['HS256'], key: createSecretKey(Buffer.alloc(32, 1)) })).toThrow(/needs a "kid"/);
    expect(() => createGuard({ ...key, algorithms: ['HS256'], key: createSecretKey(Buffer.alloc(16, 1)), kid: 'k' })).toThrow(/at least 32 bytes/);
  });

  it('refuses bad requireAuth options at creation too', async () => {
    const { createAuthorizer } = await import('./authorize.js');
    const guard = createGuard({ ...base });
    expect(() => createAuthorizer(guard, { roles: [''] })).toThrow(/"roles" must be a list of non-empty strings/);
    expect(() => createAuthorizer(guard, { scopes: 'read' as unknown as string[] })).toThrow(/"scopes"/);
    expect(() => createAuthorizer({} as never)).toThrow(/a guard from createGuard/);
  });
});

describe('createGuard with one fixed key', () => {
  const signers: [string, SigningKey, (key: SigningKey) => Partial<GuardOptions>][] = [
    ['ES256 public KeyObject', generateSigningKey('ES256'), (k) => ({ key: k.publicKey })],
    ['EdDSA public PEM', generateSigningKey('EdDSA'), (k) => ({ key: k.publicKey.export({ format: 'pem', type: 'spki' }).toString() })],
    ['RS256 public JWK (kid from the JWK)', generateSigningKey('RS256'), (k) => ({ key: publicJwk(k) })],
    ['HS256 secret with kid', deriveHs256Key(Buffer.alloc(32, 7)), (k) => ({ key: k.publicKey, kid: k.kid })],
  ];
  for (const [name, signer, keyOptions] of signers) {
    it(`verifies with ${name}, and refuses a token from another key`, async () => {
      const guard = createGuard({ issuer: ISSUER, audience: 'tessera', algorithms: [signer.alg], ...keyOptions(signer) });
      await expect(guard.verify(signAccessToken(signer, claims()))).resolves.toMatchObject({ sub: 'u1', roles: ['admin'] });
      const stranger = signer.alg === 'HS256' ? deriveHs256Key(Buffer.alloc(32, 8)) : generateSigningKey(signer.alg);
      await expect(guard.verify(signAccessToken({ ...stranger, kid: signer.kid }, claims()))).rejects.toMatchObject({ code: 'invalid_token' });
    });
  }
});

describe('interop with a Tessera server signing HS256', () => {
  let tessera: Tessera;
  beforeAll(async () => {
    tessera = await startTessera({ TESSERA_SIGNING_ALG: 'HS256' });
  });
  afterAll(() => tessera.close());

  it('verifies with the key derived from the shared TESSERA_SECRET', async () => {
    const derived = deriveHs256Key(deriveKeys(parseSecret(SECRET)).hs256);
    const guard = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['HS256'], key: derived.publicKey, kid: derived.kid });
    const { accessToken, claims: issued } = await tessera.signup();
    await expect(guard.verify(accessToken)).resolves.toMatchObject({ sid: issued.sid });
  });
});
