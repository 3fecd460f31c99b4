// Test-only: a DPoP client key that signs RFC 9449 proofs with node:crypto, as a device would.
import { createHash, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export interface DpopTestKey {
  /** The key's RFC 7638 thumbprint: what a session bound to it stores and its access tokens carry as `cnf.jkt`. */
  jkt: string;
  /** A proof for one request; `accessToken` adds its `ath`, `nonce` the server's nonce (RFC 9449 §8). */
  proof(method: string, url: string, options?: { accessToken?: string; iat?: number; jti?: string; nonce?: string }): string;
}

export function dpopTestKey(now: () => number): DpopTestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  return {
    // RFC 7638: the required members in lexicographic order, no whitespace.
    jkt: createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url'),
    proof: (method, url, options = {}) => signProof(privateKey, { kty, crv, x, y }, {
      jti: options.jti ?? randomUUID(),
      htm: method,
      htu: url,
      iat: options.iat ?? Math.floor(now() / 1000),
      ...(options.accessToken === undefined ? {} : { ath: createHash('sha256').update(options.accessToken).digest('base64url') }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    }),
  };
}

function signProof(privateKey: KeyObject, jwk: object, claims: object): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${encode(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}
