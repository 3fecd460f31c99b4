import { createHash, type KeyObject } from 'node:crypto';

/**
 * RFC 7638 JWK thumbprint (SHA-256, base64url) of an asymmetric key: the required public members in
 * lexicographic order, serialised without whitespace. Used as the `kid`, so a kid always names exactly one
 * public key and cannot be re-pointed at another one.
 */
export function jwkThumbprint(key: KeyObject): string {
  const jwk = key.export({ format: 'jwk' });
  let members: string;
  switch (jwk.kty) {
    case 'EC':
      members = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
      break;
    case 'OKP':
      members = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x });
      break;
    case 'RSA':
      members = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
      break;
    default:
      throw new Error('a JWK thumbprint needs an EC, OKP or RSA key');
  }
  return createHash('sha256').update(members).digest('base64url');
}
