// Test-only: a DPoP client key that signs RFC 9449 proofs with node:crypto, as a device would.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

export interface DpopTestKey {
  /** The RFC 7638 thumbprint: what a bound token's `cnf.jkt` names. */
  jkt: string;
  /** A proof for one request with `accessToken`; `nonce` adds the server's nonce (RFC 9449 §8). */
  proof(method: string, url: string, accessToken: string, options?: { iat?: number; nonce?: string }): string;
}

export function dpopTestKey(): DpopTestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { crv, kty, x, y };
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return {
    jkt: createHash('sha256').update(JSON.stringify(jwk)).digest('base64url'),
    proof(method, url, accessToken, options = {}) {
      const claims = { jti: randomUUID(), htm: method, htu: url, iat: options.iat ?? Math.floor(Date.now() / 1000), ath: createHash('sha256').update(accessToken).digest('base64url'), ...(options.nonce === undefined ? {} : { nonce: options.nonce }) };
      const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk })}.${encode(claims)}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    },
  };
}
