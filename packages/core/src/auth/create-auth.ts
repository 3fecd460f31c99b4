import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { DerivedKeys } from '../secrets.js';
import { RevokedSessions } from '../session/revoked-sessions.js';
import type { Stores } from '../store/types.js';
import { createAccessTokenVerifier } from '../token/verify.js';
import type { AccessTokenClaims, SigningKey, VerificationKey } from '../token/types.js';
import { changePassword, currentUser } from './account.js';
import type { AdminActor } from './admin/actor.js';
import { disableUser } from './admin/disable-user.js';
import { enableUser } from './admin/enable-user.js';
import { forceLogout } from './admin/force-logout.js';
import { searchUsers, type SearchUsersInput } from './admin/search-users.js';
import { setUserRoles } from './admin/set-user-roles.js';
import type { AuthContext, AuthSettings, ClaimsHook, ClientInfo, RevocationListener } from './context.js';
import { emitEvent, type AuthEvent, type AuthEventDetails, type AuthEventListener } from './events.js';
import type { AbuseLimits } from './limits.js';
import { login, type LoginInput } from './login.js';
import { logoutAll, logoutWithAccessToken, logoutWithRefreshToken } from './logout.js';
import { checkRefreshCsrf, refresh } from './rotate-refresh-token.js';
import { revokeSessionRecord } from './revoke.js';
import { deleteSession, listSessions, sessionsOf } from './sessions.js';
import { signup, type SignupInput } from './signup.js';
import { confirmTwoFactor } from './two-factor/confirm.js';
import { disableTwoFactor, type DisableTwoFactorInput } from './two-factor/disable.js';
import { regenerateRecoveryCodes } from './two-factor/regenerate-recovery-codes.js';
import type { StepUpInput } from './two-factor/step-up.js';
import { startTwoFactorEnrollment } from './two-factor/enroll.js';
import { twoFactorStatus } from './two-factor/status.js';
import { verifyTwoFactorLogin, type VerifyLoginInput } from './two-factor/verify-login.js';
import type { AccountMailSettings } from './mail/account-mail.js';
import { changeEmail } from './mail/change-email.js';
import { isEmailVerified, resendVerification, verifyEmail } from './mail/email-verification.js';
import { completePasswordReset, requestPasswordReset } from './mail/password-reset.js';
import type { UserRecord } from '../store/types.js';

export interface CreateAuthOptions {
  stores: Stores;
  keys: { signingKey(): SigningKey; resolve(kid: string): VerificationKey | undefined };
  derived: DerivedKeys;
  settings: AuthSettings;
  now?: () => number;
  randomBytes?: (size: number) => Uint8Array;
  claimsHook?: ClaimsHook;
  onRevoke?: RevocationListener;
  /** Audit events (never carrying tokens, passwords or hashes); more listeners can be added with `auth.onEvent`. */
  onEvent?: AuthEventListener;
  /** Rate limits and lockout (the server supplies them over rate-limiter-flexible); none when absent. */
  limits?: AbuseLimits;
  /** Verified-token cache entries (0 turns the cache off). */
  verifyCacheSize?: number;
  /** Email verification and password reset, and how their mail is sent; both are off without it. */
  mail?: AccountMailSettings;
}

export type Auth = ReturnType<typeof bindAuth>;

/**
 * Validates the settings once, loads the recent revocations into the deny set, and returns the operations bound
 * to one context. The HTTP server, the CLI and tests all go through this.
 */
export async function createAuth(options: CreateAuthOptions): Promise<Auth> {
  const now = options.now ?? Date.now;
  const { settings } = options;
  if (settings.audience.length === 0) throw new RangeError('at least one audience is required');
  const revoked = new RevokedSessions({ accessTtlSeconds: settings.accessTtlSeconds, clockToleranceSeconds: settings.clockToleranceSeconds, now });
  await revoked.load(options.stores.sessions);
  const verifyAccessToken = createAccessTokenVerifier({
    issuer: settings.issuer,
    audience: [...settings.audience],
    resolveKey: (kid) => options.keys.resolve(kid),
    clockToleranceSeconds: settings.clockToleranceSeconds,
    now,
    isSessionRevoked: (sid) => revoked.has(sid),
    ...(options.verifyCacheSize === undefined ? {} : { cacheSize: options.verifyCacheSize }),
  });
  const listeners = new Set<AuthEventListener>();
  if (options.onEvent) listeners.add(options.onEvent);
  const ctx: AuthContext = {
    stores: options.stores,
    keys: options.keys,
    derived: options.derived,
    settings,
    revoked,
    verifyAccessToken,
    now,
    randomBytes: options.randomBytes ?? cryptoRandomBytes,
    claimsHook: options.claimsHook,
    onRevoke: options.onRevoke,
    onEvent: (event) => deliver(listeners, event),
    limits: options.limits,
    mail: options.mail,
  };
  return bindAuth(ctx, listeners);
}

/**
 * A listener that throws must not undo what already happened (a session was created, a token rotated): the
 * event is an after-the-fact record, so its failure is contained here.
 */
function deliver(listeners: ReadonlySet<AuthEventListener>, event: AuthEvent): void {
  for (const listener of listeners) {
    try {
      listener(event);
    } catch {
      // Deliberately ignored; see above. Listeners that can fail (a network sink) should queue and report themselves.
    }
  }
}

function bindAuth(ctx: AuthContext, listeners: Set<AuthEventListener>) {
  return {
    context: ctx,
    verifyAccessToken: ctx.verifyAccessToken,
    signup: (input: SignupInput, client: ClientInfo) => signup(ctx, input, client),
    login: (input: LoginInput, client: ClientInfo) => login(ctx, input, client),
    refresh: (token: string, client?: ClientInfo) => refresh(ctx, token, client),
    checkRefreshCsrf: (token: string, csrfToken: string | null | undefined) => checkRefreshCsrf(ctx, token, csrfToken),
    /**
     * Second factor (TOTP and recovery codes; see auth/two-factor). `login` answers `two_factor_required` with a
     * challenge for an account that has one on; `verifyLogin` trades the challenge and a code for the session.
     */
    twoFactor: {
      status: (claims: AccessTokenClaims) => twoFactorStatus(ctx, claims),
      enroll: (claims: AccessTokenClaims, client?: ClientInfo) => startTwoFactorEnrollment(ctx, claims, client),
      confirm: (claims: AccessTokenClaims, code: string, client?: ClientInfo) => confirmTwoFactor(ctx, claims, code, client),
      disable: (claims: AccessTokenClaims, input: DisableTwoFactorInput, client?: ClientInfo) => disableTwoFactor(ctx, claims, input, client),
      verifyLogin: (input: VerifyLoginInput, client: ClientInfo) => verifyTwoFactorLogin(ctx, input, client),
      regenerateRecoveryCodes: (claims: AccessTokenClaims, input: StepUpInput, client?: ClientInfo) => regenerateRecoveryCodes(ctx, claims, input, client),
    },
    logoutWithRefreshToken: (token: string, client?: ClientInfo) => logoutWithRefreshToken(ctx, token, client),
    logoutWithAccessToken: (claims: AccessTokenClaims, client?: ClientInfo) => logoutWithAccessToken(ctx, claims, client),
    logoutAll: (claims: AccessTokenClaims, client?: ClientInfo) => logoutAll(ctx, claims, client),
    currentUser: (claims: AccessTokenClaims) => currentUser(ctx, claims),
    listSessions: (claims: AccessTokenClaims) => listSessions(ctx, claims),
    deleteSession: (claims: AccessTokenClaims, sessionId: string, client?: ClientInfo) => deleteSession(ctx, claims, sessionId, client),
    changePassword: (claims: AccessTokenClaims, currentPassword: string, newPassword: string, client?: ClientInfo) =>
      changePassword(ctx, claims, currentPassword, newPassword, client),
    /** Email verification, password reset and email change (auth/mail); `not_found` when the feature is off. */
    verifyEmail: (token: string, client: ClientInfo = {}) => verifyEmail(ctx, token, client),
    resendVerification: (claims: AccessTokenClaims, client: ClientInfo = {}) => resendVerification(ctx, claims, client),
    /** Undefined while verification is off (then nothing says whether an email is verified). */
    emailVerified: async (user: UserRecord): Promise<boolean | undefined> =>
      ctx.mail && ctx.mail.emailVerification !== 'off' ? isEmailVerified(ctx, user) : undefined,
    requestPasswordReset: (email: string, client: ClientInfo = {}) => requestPasswordReset(ctx, email, client),
    completePasswordReset: (token: string, newPassword: string, client: ClientInfo = {}) => completePasswordReset(ctx, token, newPassword, client),
    changeEmail: (claims: AccessTokenClaims, input: { newEmail: string; password: string }, client: ClientInfo = {}) =>
      changeEmail(ctx, claims, input, client),
    /**
     * Managing accounts (see auth/admin): each operation first checks its actor — an access token with the `admin`
     * role whose user still has it, or the command line's operator. Targets are a user id or an email.
     */
    admin: {
      searchUsers: (actor: AdminActor, input: SearchUsersInput, client?: ClientInfo) => searchUsers(ctx, actor, input, client),
      disableUser: (actor: AdminActor, target: string, client?: ClientInfo) => disableUser(ctx, actor, target, client),
      enableUser: (actor: AdminActor, target: string, client?: ClientInfo) => enableUser(ctx, actor, target, client),
      setUserRoles: (actor: AdminActor, target: string, roles: readonly string[], client?: ClientInfo) => setUserRoles(ctx, actor, target, roles, client),
      forceLogout: (actor: AdminActor, target: string, client?: ClientInfo) => forceLogout(ctx, actor, target, client),
    },
    /**
     * Records an operator's action taken outside the operations above (the CLI's users create, sessions revoke,
     * keys rotate and revoke), stamped and delivered like every other event. Such actions carry no client.
     */
    record: (details: AuthEventDetails) => emitEvent(ctx, undefined, details),
    /** A user's live sessions for an operator (the CLI's `sessions list`), newest first. */
    userSessions: (userId: string) => sessionsOf(ctx, userId),
    /** Ends one session for an operator: its tokens are refused at once; the event says `reason: 'admin'`. */
    revokeSession: async (sessionId: string): Promise<boolean> => {
      const revoked = await revokeSessionRecord(ctx, sessionId, 'admin');
      if (revoked) emitEvent(ctx, undefined, { type: 'session_revoked', userId: revoked.userId, sessionId, reason: 'admin' });
      return revoked !== null;
    },
    /** Adds an audit-event listener; returns the function that removes it. */
    onEvent: (listener: AuthEventListener): (() => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Marks sessions revoked elsewhere (another instance, the CLI) in this process's deny set. */
    markRevoked: (sessionIds: readonly string[], revokedAt: number) => {
      for (const id of sessionIds) ctx.revoked.add(id, revokedAt);
    },
  };
}
