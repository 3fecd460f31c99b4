// @tessera/core — every public name, each listed by name. Internals (sealing constants, rotation bookkeeping,
// event emission) stay private. A program that needs one role imports its subpath instead and loads only that:
// `/token`, `/keys`, `/http`, `/errors`, `/session`, `/store`, `/auth`, `/password` (the only native modules).
export { ERROR_CATALOG, isTesseraError, TesseraError, TOKEN_FAILURE_REASONS, type ErrorCode, type TokenFailureReason } from './errors.js';
export { parseDuration } from './duration.js';
export { deriveKeys, MIN_SECRET_BYTES, parseSecret, type DerivedKeys } from './secrets.js';
export { estimateSecretStrength, MIN_SECRET_BITS, type SecretStrength, type SecretWeakness } from './secret-strength.js';
export { EMAIL_MAX_LENGTH, normalizeEmail } from './input/email.js';
export { NAME_MAX_LENGTH, normalizeName } from './input/name.js';
export { createMemoryStores } from './memory.js';

export {
  createAccessTokenVerifier,
  createJti,
  requireRoles,
  signAccessToken,
  SIGNING_ALGS,
  type AccessTokenClaims,
  type AccessTokenVerifier,
  type AccessTokenVerifierOptions,
  type AsymmetricSigningAlg,
  type SigningAlg,
  type SigningKey,
  type VerificationKey,
  type VerifierCacheStats,
  type VerifyAccessToken,
} from './token.js';

export {
  deriveHs256Key,
  generateSigningKey,
  importSigningKey,
  jwkThumbprint,
  KeyRing,
  keyMismatch,
  openSigningKey,
  publicJwk,
  sealSigningKey,
  type Jwks,
  type KeyRingOptions,
  type PublicJwk,
} from './keys.js';

export {
  bearerChallenge,
  MAX_AUTHORIZATION_HEADER_BYTES,
  MAX_TOKEN_LENGTH,
  nodeAuthorization,
  oneAuthorizationHeader,
  presentsBearer,
  readBearer,
  REALM,
  renderError,
  toTesseraError,
  type AuthorizationHeader,
  type BearerResult,
  type ErrorParts,
} from './http.js';

export {
  createRefreshSecret,
  createSessionId,
  csrfTokenFor,
  formatRefreshToken,
  hashSecret,
  isValidCsrfToken,
  MAX_RECENT_ROTATIONS,
  parseKeyRotationMessage,
  parseRefreshToken,
  parseRevocationMessage,
  RevokedSessions,
  type KeyRotationMessage,
  type ParsedRefreshToken,
  type RevocationMessage,
} from './session.js';

export {
  decodeRecentRotations,
  encodeRecentRotations,
  recentRotationsAfter,
  type KeyStore,
  type ListUsersOptions,
  type LatestRotationFields,
  type NewSession,
  type NewUser,
  type RevokedSession,
  type RotationRecord,
  type SessionRecord,
  type SessionRotation,
  type SessionStore,
  type StoredKey,
  type Stores,
  type UserRecord,
  type UserStore,
  type PasskeyChallenge,
  type PasskeyRecord,
  type PasskeyStore,
} from './store.js';

export {
  ADMIN_ROLE,
  AUTH_EVENT_TYPES,
  checkRoles,
  createAuth,
  createUser,
  createUserId,
  revokeAllUserSessions,
  MAX_ROLES,
  revokeOneSession,
  SEARCH_DEFAULT_LIMIT,
  SEARCH_MAX_LIMIT,
  SEARCH_MAX_OFFSET,
  toAdminUser,
  toPublicUser,
  type AbuseLimits,
  type AdminActor,
  type AdminUserView,
  type Auth,
  type AuthContext,
  type AuthEvent,
  type AuthEventDetails,
  type AuthEventListener,
  type AuthEventType,
  type AuthSettings,
  type ClaimsHook,
  type ClientInfo,
  type CreateAuthOptions,
  type IssuedTokens,
  type LimitedAction,
  type PasswordAttempt,
  type PublicUser,
  type RevocationListener,
  type SearchUsersInput,
  type SignupInput,
  type UserPage,
} from './auth.js';

export {
  ARGON2_PARAMS,
  checkPasswordPolicy,
  configurePasswordWork,
  defaultPasswordWorkLimits,
  hashPassword,
  isCommonPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordWorkStats,
  verifyPassword,
  type PasswordWorkLimits,
  type PasswordWorkStats,
} from './password.js';

export {
  createPasskeys,
  passkeySettingsProblems,
  DEFAULT_CHALLENGE_TTL_SECONDS,
  type Passkeys,
  type PasskeyCeremony,
  type PasskeySettings,
  type PasskeyView,
  type FinishRegistrationInput,
  type FinishSignInInput,
} from './passkeys.js';
