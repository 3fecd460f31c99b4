import type { WireUser } from '@tessera/wire';
import type { DerivedKeys } from '../secrets.js';
import type { RevokedSessions } from '../session/revoked-sessions.js';
import type { Stores, UserRecord } from '../store/types.js';
import type { AccessTokenVerifier, SigningKey } from '../token/types.js';
import type { AuthEventListener } from './events.js';
import type { AbuseLimits } from './limits.js';
import type { AccountMailSettings } from './mail/account-mail.js';

export interface AuthSettings {
  issuer: string;
  /** The first audience is written into new tokens; all are accepted on verification. */
  audience: readonly string[];
  accessTtlSeconds: number;
  /** Idle lifetime: a refresh token unused for this long is dead. */
  refreshTtlSeconds: number;
  /** Absolute lifetime of a session, however often it is refreshed. */
  sessionMaxAgeSeconds: number;
  /** How long a just-rotated refresh token still answers as a concurrent refresh. */
  refreshGraceSeconds: number;
  clockToleranceSeconds: number;
  /**
   * DPoP (RFC 9449) session binding: `off` ignores proofs (bearer sessions only); `optional` (the default) binds a
   * session whose login or signup carried a proof; `required` refuses to start or refresh an unbound session.
   */
  dpop?: DpopMode | undefined;
}

export type DpopMode = 'off' | 'optional' | 'required';
export const DPOP_MODES: readonly DpopMode[] = ['off', 'optional', 'required'];

/** Extra claims for a user's access tokens; may not override the registered ones. */
export type ClaimsHook = (user: UserRecord) => Record<string, unknown>;

/** Called after sessions are revoked, so a deployment can fan the ids out to other instances. */
export type RevocationListener = (sessionIds: readonly string[], revokedAt: Date) => void;

/**
 * Everything an auth operation needs, passed in: storage, keys, the clock and the randomness. The operations
 * themselves do no I/O of their own, which is what lets tests move a clock instead of sleeping.
 */
export interface AuthContext {
  stores: Stores;
  keys: { signingKey(): SigningKey };
  derived: DerivedKeys;
  settings: AuthSettings;
  revoked: RevokedSessions;
  verifyAccessToken: AccessTokenVerifier;
  now: () => number;
  randomBytes: (size: number) => Uint8Array;
  claimsHook?: ClaimsHook | undefined;
  onRevoke?: RevocationListener | undefined;
  /** Receives the audit events (signup, login_failed, reuse_detected, …); see events.ts. */
  onEvent?: AuthEventListener | undefined;
  /** Rate limits and account lockout; without them nothing is limited (see limits.ts). */
  limits?: AbuseLimits | undefined;
  /** Email verification and password reset; without it both are off (see auth/mail). */
  mail?: AccountMailSettings | undefined;
}

/** A user as the API shows it: never the password hash. */
/** A user as the API returns it (the wire contract's shape): never the password hash. */
export type PublicUser = WireUser;

export function toPublicUser(user: UserRecord): PublicUser {
  return { id: user.id, email: user.email, name: user.name, createdAt: user.createdAt.toISOString() };
}

/** What login, signup and refresh hand back to the HTTP layer. */
export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  /** Seconds the refresh token stays usable if idle (the cookie's Max-Age). */
  refreshExpiresIn: number;
  csrfToken: string;
  sessionId: string;
  /** `DPoP` when the session is bound to a key (the access token carries `cnf.jkt`), else `Bearer`. */
  tokenType: 'Bearer' | 'DPoP';
}

export interface ClientInfo {
  userAgent?: string | null | undefined;
  ip?: string | null | undefined;
  /**
   * The RFC 7638 thumbprint of the key that signed the request's DPoP proof, once the HTTP layer has verified the
   * proof with `createDpopProofVerifier` against this request; undefined or null when no proof came.
   */
  dpopJkt?: string | null | undefined;
}
