// @tessera/core/auth — the auth engine: signup, login, refresh with rotation, logout, sessions, events, limits.
export { createAuth, type Auth, type CreateAuthOptions } from './auth/create-auth.js';
export {
  DPOP_MODES,
  toPublicUser,
  type AuthContext,
  type DpopMode,
  type AuthSettings,
  type ClaimsHook,
  type ClientInfo,
  type IssuedTokens,
  type PublicUser,
  type RevocationListener,
} from './auth/context.js';
export { AUTH_EVENT_TYPES, type AuthEvent, type AuthEventDetails, type AuthEventListener, type AuthEventType } from './auth/events.js';
export type { AbuseLimits, LimitedAction, PasswordAttempt } from './auth/limits.js';
export { createUser, createUserId, type SignupInput } from './auth/signup.js';
export type { AccountMailSettings, AccountMessage, AccountMessageKind, SendAccountMail } from './auth/mail/account-mail.js';
export { hashOneTimeToken } from './auth/mail/one-time-token.js';
export { revokeAllUserSessions, revokeOneSession } from './auth/revoke.js';
export { ADMIN_ROLE, type AdminActor } from './auth/admin/actor.js';
export { toAdminUser, type AdminUserView } from './auth/admin/target.js';
export { SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, SEARCH_MAX_OFFSET, type SearchUsersInput, type UserPage } from './auth/admin/search-users.js';
export { checkRoles, MAX_ROLES } from './auth/admin/set-user-roles.js';
export type { DisableTwoFactorInput } from './auth/two-factor/disable.js';
export type { VerifyLoginInput } from './auth/two-factor/verify-login.js';
export type { SecondFactorInput } from './auth/two-factor/code-check.js';
