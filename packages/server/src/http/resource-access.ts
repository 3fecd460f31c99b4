import { createResourceAuthorizer, type AccessTokenClaims, type Auth, type AuthorizeRequest, type VerifyDpopProof } from '@tessera/core';
import type { Context } from 'hono';
import { authorizationOf } from './credential-headers.js';

/**
 * How the server's own protected routes take access tokens: Bearer, or DPoP with a proof for bound tokens, by
 * core's one rule (createResourceAuthorizer). `urls` are the URLs a proof may name for a request: the one it
 * arrived at, and the same path under the issuer's origin (what the client addressed when a proxy in front
 * terminates TLS or rewrites the host).
 */
export interface ResourceAccess {
  authorize(c: Context): AccessTokenClaims | null | Promise<AccessTokenClaims>;
  urls(c: Context): string[];
  verifyProof: VerifyDpopProof;
}

export function createResourceAccess(auth: Auth, verifyProof: VerifyDpopProof, issuer: string): ResourceAccess {
  const authorizeRequest: AuthorizeRequest = createResourceAuthorizer({ verifyAccessToken: auth.verifyAccessToken, verifyProof });
  const issuerOrigin = new URL(issuer).origin;
  const urls = (c: Context): string[] => [c.req.url, `${issuerOrigin}${c.req.path}`];
  return {
    urls,
    verifyProof,
    authorize: (c) => authorizeRequest({ authorization: authorizationOf(c), dpop: dpopHeaderOf(c), method: c.req.method, url: urls(c) }),
  };
}

/** The DPoP header; several (which the Fetch view joins with commas, never part of a JWS) stay several, and are refused. */
export function dpopHeaderOf(c: Context): string | string[] | undefined {
  const value = c.req.raw.headers.get('dpop');
  if (value === null) return undefined;
  return value.includes(',') ? value.split(',') : value;
}
