import type { SigningKey } from '../token/types.js';
import type { PublicJwk } from './types.js';

/**
 * The public JWK of an asymmetric key, built from an allow-list of public members so that no private member
 * (`d`, `p`, `q`, `dp`, `dq`, `qi`) can ever leak into the JWKS, whatever key object is passed in.
 */
export function publicJwk(key: Pick<SigningKey, 'kid' | 'alg' | 'publicKey'>): PublicJwk {
  if (key.alg === 'HS256') throw new Error('an HS256 key is a shared secret and has no public JWK');
  const jwk = key.publicKey.export({ format: 'jwk' });
  const base = { kid: key.kid, alg: key.alg, use: 'sig' as const };
  switch (jwk.kty) {
    case 'EC':
      return { kty: 'EC', crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y), ...base };
    case 'OKP':
      return { kty: 'OKP', crv: String(jwk.crv), x: String(jwk.x), ...base };
    case 'RSA':
      return { kty: 'RSA', n: String(jwk.n), e: String(jwk.e), ...base };
    default:
      throw new Error(`a ${key.alg} key has no publishable JWK`);
  }
}
