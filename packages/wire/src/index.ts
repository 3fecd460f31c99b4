// @tessera/wire — the wire contract, written once and dependency-free: error codes, cookie and header names, the
// JSON shapes of users, sessions and token responses, the Redis names and the revocation-feed messages. The
// server, the stores, the guard and the client all import these; a browser bundle pulls in nothing else.
export { ERROR_CATALOG, SESSION_ENDING_CODES, type ErrorBody, type ErrorCode, type TwoFactorChallenge } from './errors.js';
export { CSRF_COOKIE, CSRF_HEADER, REFRESH_COOKIE, REFRESH_COOKIE_PATH, SECURE_REFRESH_COOKIE } from './http.js';
export type { TokenResponse, TwoFactorConfirmation, TwoFactorEnrollment, TwoFactorStatus, WirePasskey, WireSession, WireUser } from './shapes.js';
export { DEFAULT_KEY_PREFIX, redisNames, type RedisNames } from './redis.js';
export { parseKeyRotationMessage, parseRevocationMessage, type KeyRotationMessage, type RevocationMessage } from './revocation-feed.js';
