import { createSignature } from './signature.js';
import type { AccessTokenClaims, SigningKey } from './types.js';

/**
 * Signs an access token as a compact JWS with the header exactly `{alg, kid, typ: "at+jwt"}` (RFC 9068). The
 * claims are serialised as given; building them (lifetime, audience, claims hook) is the caller's job.
 */
export function signAccessToken(key: SigningKey, claims: AccessTokenClaims): string {
  const header = base64urlJson({ alg: key.alg, kid: key.kid, typ: 'at+jwt' });
  const signingInput = `${header}.${base64urlJson(claims)}`;
  return `${signingInput}.${createSignature(key, signingInput).toString('base64url')}`;
}

function base64urlJson(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}
