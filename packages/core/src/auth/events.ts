import type { AuthContext, ClientInfo } from './context.js';
import type { LimitedAction } from './limits.js';

/**
 * Audit events, emitted by the auth operations as they happen. They carry ids, the email, the client's address
 * and user agent, a reason and the time — never a token, a password, a password hash or a refresh secret, so
 * whoever reads the log cannot impersonate anyone with it. (Emails and addresses are personal data, though.)
 */
interface EventBase {
  /** ISO-8601 time from the auth core's clock. */
  at: string;
  ip: string | null;
  userAgent: string | null;
}

export type AuthEvent = EventBase &
  (
    | { type: 'signup'; userId: string; email: string; sessionId: string }
    | {
        type: 'login_succeeded';
        userId: string;
        email: string;
        sessionId: string;
        /** Set when the login passed a second factor after its password. */
        secondFactor?: 'totp' | 'recovery_code';
      }
    | {
        type: 'login_failed';
        email: string;
        /** The account, when the email has one (logs are for operators; responses never say). */
        userId: string | null;
        /** `account_disabled`: the right password for a disabled account (answered 403 `account_disabled`). */
        reason: 'unknown_email' | 'wrong_password' | 'rate_limited' | 'account_disabled' | 'email_unverified';
      }
    | {
        /** An account reached its failure limit: password logins for it answer 429 for `retryAfterSeconds`. */
        type: 'lockout';
        email: string;
        userId: string | null;
        retryAfterSeconds: number;
      }
    | { type: 'refresh'; userId: string; sessionId: string; grace: boolean }
    | { type: 'reuse_detected'; userId: string; sessionId: string; sessionRevoked: true }
    | {
        /**
         * A refresh of a DPoP-bound session without a proof by its key (`missing`), or signed by another key
         * (`other_key`): the refresh token was copied off the device. The session is revoked.
         */
        type: 'stolen_token_detected';
        userId: string;
        sessionId: string;
        proof: 'missing' | 'other_key';
        sessionRevoked: true;
      }
    | {
        /**
         * A refresh token that did not get a new access token (other than reuse, which is `reuse_detected`):
         * `invalid_token` is a string we never issued (a guess or garbage), `session_ended` a real token of a
         * revoked or expired session, `account_deleted` a session whose user is gone, `account_disabled` a session
         * of a disabled user (revoked on the spot).
         */
        type: 'refresh_failed';
        sessionId: string | null;
        userId: string | null;
        reason: 'invalid_token' | 'session_ended' | 'account_deleted' | 'account_disabled';
      }
    | { type: 'logout'; userId: string; sessionId: string }
    | { type: 'logout_all'; userId: string; sessionsRevoked: number }
    | {
        type: 'session_revoked';
        userId: string;
        sessionId: string;
        /** `deleted` by its user (DELETE /auth/sessions/:id), `admin` by an operator (`tessera sessions revoke`). */
        reason: 'deleted' | 'admin';
      }
    | { type: 'password_changed'; userId: string; sessionId: string; sessionsRevoked: number }
    | {
        /**
         * A password change whose current password was wrong: a password guess by whoever holds the access
         * token, counted against the account's lockout like a failed login.
         */
        type: 'password_change_failed';
        userId: string;
        email: string;
        /** The session of the access token that made the guess. */
        sessionId: string;
        reason: 'wrong_password';
      }
    /** An operator added a user (`tessera users create`). */
    | { type: 'user_created'; userId: string; email: string }
    /** An operator rotated the signing key (`tessera keys rotate`); the previous key keeps verifying. */
    | { type: 'key_rotated'; kid: string; previousKid: string; scheduled?: true }
    /** An operator withdrew a key at once (`tessera keys revoke`): every token it signed is refused. */
    | { type: 'key_revoked'; kid: string; rotatedTo: string | null }
    /**
     * Administrators' actions on accounts (the admin API and `tessera users …`). `actorId` is the administrator's
     * user id, null for an operator at the command line (who acts through the store, not a token).
     */
    | { type: 'user_disabled'; actorId: string | null; userId: string; alreadyDisabled: boolean; sessionsRevoked: number }
    | { type: 'user_enabled'; actorId: string | null; userId: string; alreadyEnabled: boolean }
    | { type: 'user_roles_changed'; actorId: string | null; userId: string; before: string[]; after: string[] }
    | { type: 'user_logged_out'; actorId: string | null; userId: string; sessionsRevoked: number }
    /** Passkeys (WebAuthn): added and removed by their user; a sign-in with one opens an ordinary session. */
    | { type: 'passkey_registered'; userId: string; passkeyId: string }
    | { type: 'passkey_removed'; userId: string; passkeyId: string }
    | { type: 'passkey_login_succeeded'; userId: string; passkeyId: string; sessionId: string }
    | {
        /**
         * `challenge`: unknown, expired or already used; `unknown_passkey`: a credential no user has (or not the
         * named user's); `verification_failed`: the signature, origin, RP ID or flags did not check out;
         * `counter`: a concurrent sign-in already advanced the counter (a cloned authenticator, or a replay).
         */
        type: 'passkey_login_failed';
        userId: string | null;
        passkeyId: string | null;
        reason: 'challenge' | 'unknown_passkey' | 'verification_failed' | 'counter' | 'account_disabled';
      }
    // Second factor (auth/two-factor). None of them carries a code, a secret or a challenge.
    | { type: 'two_factor_enrollment_started'; userId: string }
    | { type: 'two_factor_enabled'; userId: string }
    | { type: 'two_factor_disabled'; userId: string; by: 'totp' | 'recovery_code' | 'password' }
    /** New recovery codes replaced every old one (proven by `by`). */
    | { type: 'recovery_codes_regenerated'; userId: string; by: 'totp' | 'recovery_code' | 'password' }
    /** A password was right and the account has a second factor: a challenge was issued instead of tokens. */
    | { type: 'two_factor_challenged'; userId: string; email: string }
    | {
        /** A wrong or reused code (counted against the account's lockout), at login, confirmation or removal. */
        type: 'two_factor_failed';
        userId: string;
        email: string;
        stage: 'login' | 'confirm' | 'disable' | 'recovery_codes';
        method: 'totp' | 'recovery_code' | 'password';
      }
    /*
     * Email verification and password reset (auth/mail). They never carry the link's token. `password_reset_requested`
     * is emitted for unknown emails too (userId null, mailed false): the operator sees probing the answer hides.
     */
    | { type: 'verification_sent'; userId: string; email: string }
    | { type: 'email_verified'; userId: string; email: string }
    | { type: 'email_verification_failed'; userId: string | null; reason: 'invalid_token' | 'email_changed' }
    | { type: 'password_reset_requested'; email: string; userId: string | null; mailed: boolean }
    | { type: 'password_reset_completed'; userId: string; sessionsRevoked: number }
    | { type: 'password_reset_failed'; userId: string | null; reason: 'invalid_token' | 'account_changed' }
    | { type: 'email_changed'; userId: string; oldEmail: string; newEmail: string }
    | {
        /** A request refused by a per-IP limit (signup, refresh, password change), or a reset mail dropped by its account's cap. */
        type: 'rate_limited';
        action: LimitedAction;
        retryAfterSeconds: number;
      }
  );

export type AuthEventType = AuthEvent['type'];

// A record, so that adding an event type without listing it here is a compile error.
const EVENT_TYPES: Record<AuthEventType, true> = {
  signup: true,
  login_succeeded: true,
  login_failed: true,
  lockout: true,
  refresh: true,
  reuse_detected: true,
  stolen_token_detected: true,
  refresh_failed: true,
  logout: true,
  logout_all: true,
  passkey_registered: true,
  passkey_removed: true,
  passkey_login_succeeded: true,
  passkey_login_failed: true,
  two_factor_enrollment_started: true,
  two_factor_enabled: true,
  two_factor_disabled: true,
  recovery_codes_regenerated: true,
  two_factor_challenged: true,
  two_factor_failed: true,
  session_revoked: true,
  password_changed: true,
  password_change_failed: true,
  rate_limited: true,
  user_created: true,
  key_rotated: true,
  key_revoked: true,
  user_disabled: true,
  user_enabled: true,
  user_roles_changed: true,
  user_logged_out: true,
  verification_sent: true,
  email_verified: true,
  email_verification_failed: true,
  password_reset_requested: true,
  password_reset_completed: true,
  password_reset_failed: true,
  email_changed: true,
};

/** Every event type, for log pipelines and tests. */
export const AUTH_EVENT_TYPES: readonly AuthEventType[] = Object.keys(EVENT_TYPES) as AuthEventType[];

export type AuthEventListener = (event: AuthEvent) => void;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type AuthEventDetails = DistributiveOmit<AuthEvent, keyof EventBase>;

/** Stamps an event with the time and the client and hands it to the listener, if there is one. */
export function emitEvent(ctx: Pick<AuthContext, 'now' | 'onEvent'>, client: ClientInfo | undefined, details: AuthEventDetails): void {
  if (!ctx.onEvent) return;
  const event = { at: new Date(ctx.now()).toISOString(), ip: client?.ip ?? null, userAgent: client?.userAgent ?? null, ...details } as AuthEvent;
  ctx.onEvent(event);
}
