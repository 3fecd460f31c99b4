// @tessera/store-redis/feed — the revocation-feed subscriber alone, for services that only verify tokens (the
// guard): it loads neither ioredis (the caller's client brings it) nor anything that hashes passwords.
export { subscribeRevocationFeed, type RevocationFeedOptions, type RevocationSubscription } from './subscribe-revocation-feed.js';
