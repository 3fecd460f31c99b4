import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateSigningKey, publicJwk } from '@tessera/core/keys';
import { keysFromJwks } from './jwks-keys.js';

const es = publicJwk(generateSigningKey('ES256'));
const ed = publicJwk(generateSigningKey('EdDSA'));
const all = new Set(['ES256', 'EdDSA', 'RS256', 'HS256'] as const);

describe('keysFromJwks keeps only keys fit to verify access tokens', () => {
  it('keeps well-formed signing keys of the allowed algorithms, with alg given or derived from kty/crv', () => {
    const { alg: _alg, use: _use, ...bare } = ed;
    const keys = keysFromJwks({ keys: [es, bare] }, all);
    expect([...keys.keys()]).toEqual([es.kid, ed.kid]);
    expect(keys.get(ed.kid)?.alg).toBe('EdDSA');
    expect([...keysFromJwks({ keys: [es, ed] }, new Set(['EdDSA'] as const)).keys()]).toEqual([ed.kid]);
  });

  it('skips encryption keys, lying algs, private or secret members, missing kids, weak RSA and ambiguous kids', () => {
    const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'jwk' });
    const secret = createSecretKey(Buffer.alloc(32, 1)).export({ format: 'jwk' });
    const privateEc = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const skipped = [
      { ...es, use: 'enc' },
      { ...es, key_ops: ['encrypt'] },
      { ...es, alg: 'RS256' },
      { ...es, alg: 'none' },
      { ...es, kid: '' },
      { ...es, kid: 7 },
      { ...secret, kid: 'oct', alg: 'HS256' },
      { ...privateEc, kid: 'priv' },
      { ...weakRsa, kid: 'weak' },
      'not an object',
    ];
    expect(keysFromJwks({ keys: skipped }, all).size).toBe(0);
    expect(keysFromJwks({ keys: [es, { ...ed, kid: es.kid }] }, all).size).toBe(0);
  });

  it('refuses a document that is not a JWKS', () => {
    expect(() => keysFromJwks([], all)).toThrow(/"keys" array/);
    expect(() => keysFromJwks({ keys: {} }, all)).toThrow(/"keys" array/);
  });
});
