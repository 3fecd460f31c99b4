export * from './session-store.js';
export * from './revocation-feed.js';
export * from './messages.js';
export * from './client.js';
export { toStoreError } from './errors.js';
export { DEFAULT_KEY_PREFIX, REVOKED_RETENTION_MS, redisNames, type RedisNames } from './names.js';
