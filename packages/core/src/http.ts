// @tessera/core/http — the HTTP edge every transport shares: where a Bearer header is parsed, how an error becomes
// a status, a JSON body and an RFC 6750 challenge.
export {
  MAX_AUTHORIZATION_HEADER_BYTES,
  MAX_TOKEN_LENGTH,
  nodeAuthorization,
  oneAuthorizationHeader,
  presentsBearer,
  readBearer,
  type AuthorizationHeader,
  type BearerResult,
} from './http/bearer.js';
export { challengeContextFor, presentsDpop, readAccessCredential, type AccessCredential } from './http/authorization.js';
export { bearerChallenge, dpopChallenge, REALM } from './http/challenge.js';
export { renderError, toTesseraError, type ChallengeContext, type ErrorParts } from './http/render-error.js';
