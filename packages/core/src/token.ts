// @tessera/core/token — signing and verifying access tokens. Loads no password hasher and touches no store, so a
// service that only verifies tokens pays for nothing else.
export {
  SIGNING_ALGS,
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AsymmetricSigningAlg,
  type SigningAlg,
  type SigningKey,
  type VerifierCacheStats,
  type VerificationKey,
  type VerifyAccessToken,
} from './token/types.js';
export { createAccessTokenVerifier } from './token/verify.js';
export { signAccessToken } from './token/sign.js';
export { createJti } from './token/jti.js';
export { requireRoles } from './token/require-roles.js';
