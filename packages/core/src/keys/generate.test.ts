import { createPublicKey, createSecretKey, verify } from 'node:crypto';
import * as jose from 'jose';
import { describe, expect, it } from 'vitest';
import { createSignature } from '../token/signature.js';
import { generateSigningKey } from './generate.js';
import { deriveHs256Key } from './hs256.js';
import { publicJwk } from './public-jwk.js';
import { jwkThumbprint } from './thumbprint.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

describe('generateSigningKey', () => {
  it.each(['ES256', 'EdDSA', 'RS256'] as const)('%s: generates a pair that signs and verifies', (alg) => {
    const key = generateSigningKey(alg);
    expect(key.alg).toBe(alg);
    expect(key.privateKey.type).toBe('private');
    expect(key.publicKey.type).toBe('public');
    const signature = createSignature(key, 'header.payload');
    const options = alg === 'ES256' ? { key: key.publicKey, dsaEncoding: 'ieee-p1363' as const } : key.publicKey;
    expect(verify(alg === 'EdDSA' ? null : 'sha256', Buffer.from('header.payload'), options, signature)).toBe(true);
    expect(verify(alg === 'EdDSA' ? null : 'sha256', Buffer.from('header.pay1oad'), options, signature)).toBe(false);
  });

  it.each(['ES256', 'EdDSA', 'RS256'] as const)('%s: kid is the RFC 7638 thumbprint jose computes', async (alg) => {
    const key = generateSigningKey(alg);
    expect(key.kid).toBe(await jose.calculateJwkThumbprint(await jose.exportJWK(key.publicKey), 'sha256'));
    expect(jwkThumbprint(key.privateKey)).toBe(key.kid);
    expect(key.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('gives every key its own kid', () => {
    expect(generateSigningKey('ES256').kid).not.toBe(generateSigningKey('ES256').kid);
  });
});

describe('publicJwk', () => {
  it.each(['ES256', 'EdDSA', 'RS256'] as const)('%s: public members only, with kid, alg and use', (alg) => {
    const key = generateSigningKey(alg);
    const jwk = publicJwk(key);
    expect(jwk).toMatchObject({ kid: key.kid, alg, use: 'sig' });
    for (const member of PRIVATE_MEMBERS) expect(jwk).not.toHaveProperty(member);
    // It really is the public half of this key.
    const imported = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    expect(imported.equals(key.publicKey)).toBe(true);
  });

  it('refuses HS256', () => {
    expect(() => publicJwk(deriveHs256Key(Buffer.alloc(32, 7)))).toThrow(/HS256/);
  });
});

describe('deriveHs256Key', () => {
  it('derives a secret key with an hs256- kid that does not reveal the key', () => {
    const secret = Buffer.alloc(32, 0xab);
    const key = deriveHs256Key(secret);
    expect(key.alg).toBe('HS256');
    expect(key.kid).toMatch(/^hs256-[A-Za-z0-9_-]{16}$/);
    expect(key.kid).not.toContain(secret.toString('base64url').slice(0, 8));
    expect(key.privateKey.type).toBe('secret');
    expect(key.privateKey.equals(createSecretKey(secret))).toBe(true);
    expect(deriveHs256Key(Buffer.alloc(32, 0xab)).kid).toBe(key.kid);
    expect(deriveHs256Key(Buffer.alloc(32, 0xac)).kid).not.toBe(key.kid);
  });

  it('signs and verifies with HMAC', () => {
    const key = deriveHs256Key(Buffer.alloc(32, 1));
    expect(createSignature(key, 'a.b')).toHaveLength(32);
    expect(createSignature(key, 'a.b').equals(createSignature(key, 'a.b'))).toBe(true);
    expect(createSignature(key, 'a.b').equals(createSignature(key, 'a.c'))).toBe(false);
  });

  it('refuses a secret shorter than 32 bytes', () => {
    expect(() => deriveHs256Key(Buffer.alloc(31, 1))).toThrow(/at least 32 bytes/);
  });
});
