import { readAccessCredential } from '../http/authorization.js';
import type { AuthorizationHeader } from '../http/bearer.js';
import type { AccessTokenClaims, VerifyAccessToken } from '../token/types.js';
import { invalidToken } from '../token/invalid-token.js';
import type { VerifyDpopProof } from './types.js';

/** What a protected resource sees of a request. */
export interface ResourceRequest {
  authorization: AuthorizationHeader;
  /** The `DPoP` header(s). */
  dpop: string | readonly string[] | null | undefined;
  method: string;
  /** The URL the client addressed; several when a proxy may have changed it (the request's and the issuer's). */
  url: string | readonly string[];
}

/**
 * Authorizes a request to a protected resource: the access token from `Authorization: Bearer` or `DPoP`, and for
 * a DPoP-bound token (`cnf.jkt`) a proof by its key for this very request and token. Null when no token came (the
 * caller decides whether that is a 401). Synchronous for a bearer token, so the bearer hot path costs no await.
 * The one rule the server's routes, GraphQL and `@tessera/guard` all apply.
 */
export function createResourceAuthorizer(options: { verifyAccessToken: VerifyAccessToken; verifyProof: VerifyDpopProof }) {
  const { verifyAccessToken, verifyProof } = options;
  return function authorizeRequest(request: ResourceRequest): AccessTokenClaims | null | Promise<AccessTokenClaims> {
    const credential = readAccessCredential(request.authorization);
    if (credential.kind === 'none') return null;
    return checkTokenBinding(verifyAccessToken(credential.token), credential, request, verifyProof);
  };
}

/**
 * The binding rule for a token that verified: claims of a bearer token sent as Bearer as they are (synchronously);
 * a DPoP-bound token (`cnf.jkt`) only under the DPoP scheme with a proof by its key for this request and token.
 */
export function checkTokenBinding(
  claims: AccessTokenClaims,
  credential: { scheme: 'Bearer' | 'DPoP'; token: string },
  request: Pick<ResourceRequest, 'dpop' | 'method' | 'url'>,
  verifyProof: VerifyDpopProof,
): AccessTokenClaims | Promise<AccessTokenClaims> {
  const cnf = claims.cnf;
  if (cnf === undefined) {
    // A DPoP scheme with a bearer token is a client confused about what it holds; refuse rather than guess.
    if (credential.scheme === 'DPoP') throw invalidToken('not_bound', 'this access token is not DPoP-bound; send it as Bearer');
    return claims;
  }
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  if (typeof jkt !== 'string') throw invalidToken('malformed', 'the access token cnf claim has no jkt');
  // Access token theft: a bound token sent as a plain Bearer token (RFC 9449 §7.2 downgrade) is refused, and
  // under DPoP it needs a fresh proof by its key, naming this method, URL and token.
  if (credential.scheme !== 'DPoP') throw invalidToken('bound_to_key', 'this access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof');
  return verifyProof(request.dpop, { method: request.method, url: request.url, accessToken: credential.token, boundJkt: jkt }).then(() => claims);
}

export type AuthorizeRequest = ReturnType<typeof createResourceAuthorizer>;
