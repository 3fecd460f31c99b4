// @tessera/core/store — the store interfaces every backend implements, with their atomicity written down.
export type {
  KeyStore,
  ListUsersOptions,
  NewSession,
  NewUser,
  RevokedSession,
  RotationRecord,
  SessionRecord,
  SessionRotation,
  SessionStore,
  StoredKey,
  Stores,
  UserRecord,
  UserStore,
} from './store/types.js';
export type { PasskeyChallenge, PasskeyRecord, PasskeyStore } from './store/passkey-types.js';
export {
  decodeRecentRotations,
  encodeRecentRotations,
  recentRotationsAfter,
  type LatestRotationFields,
} from './store/recent-rotations.js';
