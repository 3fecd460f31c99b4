// @tessera/core/session — refresh tokens (`id.secret`, hashed at rest), CSRF tokens bound to a session, the set of
// revoked sessions, and the revocation-feed messages servers and guards exchange.
export {
  createRefreshSecret,
  createSessionId,
  formatRefreshToken,
  hashSecret,
  parseRefreshToken,
  type ParsedRefreshToken,
} from './session/refresh-token.js';
export { MAX_RECENT_ROTATIONS } from './session/rotation-history.js';
export { csrfTokenFor, isValidCsrfToken } from './session/csrf.js';
export { RevokedSessions } from './session/revoked-sessions.js';
export {
  parseKeyRotationMessage,
  parseRevocationMessage,
  type KeyRotationMessage,
  type RevocationMessage,
} from '@tessera/wire';
