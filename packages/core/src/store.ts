// @tessera/core/store — the store interfaces every backend implements, with their atomicity written down.
export type {
  EmailVerificationStore,
  KeyStore,
  ListUsersOptions,
  NewSession,
  NewUser,
  OneTimeTokenPurpose,
  OneTimeTokenRecord,
  OneTimeTokenStore,
  RevokedSession,
  RotationRecord,
  SessionRecord,
  SessionRotation,
  SessionStore,
  StoredKey,
  Stores,
  TwoFactorChallengeRecord,
  TwoFactorRecord,
  TwoFactorStore,
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
