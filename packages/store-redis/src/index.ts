export * from './session-store.js';
export { createRevocationFeed, type RevocationFeed } from './revocation-feed.js';
export { subscribeRevocationFeed, type RevocationFeedOptions, type RevocationSubscription } from './subscribe-revocation-feed.js';
export * from './messages.js';
export * from './client.js';
export { toStoreError } from './errors.js';
export { DEFAULT_KEY_PREFIX, REVOKED_RETENTION_MS, redisNames, type RedisNames } from './names.js';
