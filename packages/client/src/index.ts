export { createAuthClient } from './create-auth-client.js';
export { AuthError, type AuthErrorCode } from './auth-error.js';
export { decodeClaims } from './decode-claims.js';
export type {
  AuthClient,
  AuthClientOptions,
  AuthClientEvent,
  AuthSession,
  AuthState,
  AuthStatus,
  AuthUser,
  LogoutDetail,
  RefreshDetail,
  TokenStorage,
  TwoFactorApi,
} from './types.js';
export type { TwoFactorChallenge, TwoFactorConfirmation, TwoFactorEnrollment, TwoFactorStatus } from '@tessera/wire';
export type { AuthPasskey, PasskeyCalls, PasskeyCeremony } from './passkeys.js';
export { indexedDbDpopKeys, memoryDpopKeys, type DpopKeyStore } from './dpop/key-store.js';
