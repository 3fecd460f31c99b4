import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import type { AsymmetricSigningAlg } from '../token/types.js';
import { generateSigningKey } from './generate.js';
import { importSigningKey } from './import.js';

const ASYMMETRIC = ['ES256', 'EdDSA', 'RS256'] as const;

function pems(alg: AsymmetricSigningAlg, privateKey: KeyObject): string[] {
  const pkcs8 = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  if (alg === 'ES256') return [pkcs8, privateKey.export({ format: 'pem', type: 'sec1' }).toString()];
  if (alg === 'RS256') return [pkcs8, privateKey.export({ format: 'pem', type: 'pkcs1' }).toString()];
  return [pkcs8];
}

function expectNoKeyMaterial(run: () => unknown, secretParts: string[]): void {
  let message = '';
  try {
    run();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message).not.toBe('');
  for (const part of secretParts) expect(message).not.toContain(part.slice(0, 12));
}

describe('importSigningKey', () => {
  it.each(ASYMMETRIC)('%s: imports a private JWK (jose exportJWK) with the same kid and a working key', async (alg) => {
    const original = generateSigningKey(alg);
    const jwk = await jose.exportJWK(original.privateKey);
    const imported = importSigningKey(JSON.stringify(jwk), alg);
    expect(imported.kid).toBe(original.kid);
    expect(imported.alg).toBe(alg);
    expect(imported.publicKey.equals(original.publicKey)).toBe(true);
    expect(imported.privateKey.equals(original.privateKey)).toBe(true);
  });

  it.each(ASYMMETRIC)('%s: imports every PEM form (PKCS#8, SEC1 EC, PKCS#1 RSA), with surrounding whitespace', (alg) => {
    const original = generateSigningKey(alg);
    for (const pem of pems(alg, original.privateKey)) {
      const imported = importSigningKey(`\n  ${pem}\n`, alg);
      expect(imported.kid).toBe(original.kid);
      expect(imported.privateKey.equals(original.privateKey)).toBe(true);
    }
  });

  it('refuses a key whose type does not fit the algorithm', () => {
    const es = generateSigningKey('ES256').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const ed = generateSigningKey('EdDSA').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => importSigningKey(es, 'EdDSA')).toThrow(/EdDSA needs an Ed25519 key/);
    expect(() => importSigningKey(ed, 'ES256')).toThrow(/ES256 needs a P-256 EC key/);
    expect(() => importSigningKey(p384, 'ES256')).toThrow(/ES256 needs a P-256 EC key, not an ec key on secp384r1/);
    expect(() => importSigningKey(es, 'RS256')).toThrow(/RS256 needs an RSA key/);
    expect(() => importSigningKey(rsa1024, 'RS256')).toThrow(/at least 2048 bits/);
    expect(() => importSigningKey(pss, 'RS256')).toThrow(/RS256 needs an RSA key/);
    expect(() => importSigningKey(es, 'HS256')).toThrow(/HS256 needs an oct JWK/);
  });

  it('refuses public keys, as JWK and as PEM', async () => {
    for (const alg of ASYMMETRIC) {
      const key = generateSigningKey(alg);
      const publicText = JSON.stringify(await jose.exportJWK(key.publicKey));
      expect(() => importSigningKey(publicText, alg)).toThrow(/public JWK; a private key is needed/);
      const spki = key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
      expect(() => importSigningKey(spki, alg)).toThrow(/public key or certificate/);
    }
    const rsa = generateSigningKey('RS256').publicKey.export({ format: 'pem', type: 'pkcs1' }).toString();
    expect(() => importSigningKey(rsa, 'RS256')).toThrow(/public key or certificate/);
  });

  it('refuses text that does not parse, without echoing it', () => {
    expect(() => importSigningKey('not a key', 'ES256')).toThrow(/neither a JWK/);
    expect(() => importSigningKey('{"kty":', 'ES256')).toThrow(/not valid JSON/);
    expect(() => importSigningKey('[1]', 'ES256')).toThrow(/neither a JWK/);
    expect(() => importSigningKey('{"kty":"EC","crv":"P-256","d":"AAAA"}', 'ES256')).toThrow(/does not parse/);
    const pem = generateSigningKey('ES256').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const broken = pem.replace(/\n[A-Za-z0-9+/]{10}/, '\n!!!!!!!!!!');
    expectNoKeyMaterial(() => importSigningKey(broken, 'ES256'), [pem.split('\n')[1] ?? '']);
    const encrypted = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'x' })
      .toString();
    expect(() => importSigningKey(encrypted, 'ES256')).toThrow(/encrypted/);
  });

  it('never puts key material in an error message', async () => {
    const key = generateSigningKey('ES256');
    const jwk = await jose.exportJWK(key.privateKey);
    expectNoKeyMaterial(() => importSigningKey(JSON.stringify(jwk), 'EdDSA'), [String(jwk.d), String(jwk.x)]);
    expectNoKeyMaterial(() => importSigningKey(JSON.stringify({ ...jwk, x: 'A' }), 'ES256'), [String(jwk.d)]);
  });

  it('HS256: imports an oct JWK of at least 32 bytes, refuses a shorter one or an oct key for another alg', () => {
    const k = Buffer.alloc(32, 9).toString('base64url');
    const key = importSigningKey(JSON.stringify({ kty: 'oct', k }), 'HS256');
    expect(key.alg).toBe('HS256');
    expect(key.kid).toMatch(/^hs256-/);
    expect(() => importSigningKey(JSON.stringify({ kty: 'oct', k: Buffer.alloc(31).toString('base64url') }), 'HS256')).toThrow(/at least 32 bytes/);
    expect(() => importSigningKey(JSON.stringify({ kty: 'oct', k }), 'ES256')).toThrow(/shared secret/);
    expect(() => importSigningKey(JSON.stringify({ kty: 'oct', k: 'a+b/' }), 'HS256')).toThrow(/base64url/);
  });
});
