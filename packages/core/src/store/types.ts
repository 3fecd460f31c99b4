import type { PasskeyStore } from './passkey-types.js';

/**
 * Storage interfaces. Every store (SQL on SQLite/PostgreSQL/MySQL, Redis, the in-memory test store) implements
 * these and passes the one conformance suite in `@tessera/testing`. Conventions:
 * - All instants are `Date`s; lifetimes are in seconds.
 * - A lookup that finds nothing resolves to `null`; it never throws for "not found".
 * - A store that cannot reach its backend rejects with `TesseraError('unavailable')`.
 * - Every method is atomic on its own: a concurrent caller sees it either fully done or not at all.
 */
import type { SigningAlg } from '../token/types.js';

export interface UserRecord {
  id: string;
  /** Trimmed and lower-cased; unique. */
  email: string;
  name: string | null;
  passwordHash: string;
  roles: string[];
  createdAt: Date;
  updatedAt: Date;
  /**
   * When an administrator disabled the account; null while it is enabled. A disabled account cannot log in or
   * refresh, and its email stays taken (signing up again with it is `email_taken`).
   */
  disabledAt: Date | null;
}

export interface NewUser {
  id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  roles: string[];
  createdAt: Date;
}

export interface UserStore {
  /**
   * Inserts the user. Resolves to `false`, writing nothing, when the email is already taken; the uniqueness
   * check and the insert are one atomic step (a unique index), so two racing signups never both succeed.
   */
  createUser(user: NewUser): Promise<boolean>;
  findUserById(id: string): Promise<UserRecord | null>;
  /** `email` is already normalised by the caller. */
  findUserByEmail(email: string): Promise<UserRecord | null>;
  /**
   * Newest first (ties by id, descending). With `emailContains`, only users whose email contains that text,
   * matched literally (`%` and `_` are plain characters); a prefix search is the same call. Stored emails are
   * lower case and the caller passes lower-case text (whether a store also folds ASCII case is left open: SQLite's
   * LIKE does). One query: the page is a consistent snapshot.
   */
  listUsers(options?: ListUsersOptions): Promise<UserRecord[]>;
  /** Resolves to `false` when no such user exists. */
  updatePasswordHash(userId: string, passwordHash: string, at: Date): Promise<boolean>;
  /**
   * Replaces the user's roles and sets updatedAt, in one atomic write (two racing updates leave one of the two
   * lists whole, never a mix). Resolves to `false`, writing nothing, when no such user exists.
   */
  updateUserRoles(userId: string, roles: readonly string[], at: Date): Promise<boolean>;
  /**
   * Sets disabledAt (a Date disables, null enables) and updatedAt, in one atomic write. Resolves to `false`,
   * writing nothing, when no such user exists. Revoking the user's sessions is the caller's next step.
   */
  setUserDisabled(userId: string, disabledAt: Date | null, at: Date): Promise<boolean>;
  /**
   * Replaces the user's email (already normalised) and sets updatedAt, in one atomic write. `'taken'`, writing
   * nothing, when another account has that email (the unique index decides, as in createUser); `'not_found'` when
   * no such user exists.
   */
  updateUserEmail(userId: string, email: string, at: Date): Promise<'changed' | 'taken' | 'not_found'>;
}

export interface ListUsersOptions {
  limit?: number;
  offset?: number;
  /** Only users whose (lower-cased) email contains this text, literally. */
  emailContains?: string;
}

/**
 * One rotation of a session's refresh secret. With the secret it superseded (which only that token's holder
 * has) and the server key, the nonce re-derives the secret that replaced it, so a chain of these leads any
 * recently superseded token to the session's current one.
 */
export interface RotationRecord {
  /** base64url SHA-256 of the secret this rotation superseded. */
  supersededHash: string;
  /** The rotation's random nonce (base64url). */
  nonce: string;
  /** When it happened: the superseded token's grace window is measured from here. */
  rotatedAt: Date;
}

export interface SessionRecord {
  /** 22 base64url characters (128 random bits); the `sid` of the session's access tokens. */
  id: string;
  userId: string;
  /** base64url SHA-256 of the current refresh secret. */
  secretHash: string;
  /**
   * The session's recent rotations, newest first and consecutive (each entry superseded the secret that the
   * entry after it, one rotation older, put in place); empty before the first rotation. Bounded: the core keeps
   * only rotations still inside the grace window, and at most MAX_RECENT_ROTATIONS of them.
   */
  recentRotations: RotationRecord[];
  createdAt: Date;
  lastUsedAt: Date;
  /** Refresh (idle) expiry: pushed forward by each rotation. */
  idleExpiresAt: Date;
  /** Hard end of the session, never moved. */
  absoluteExpiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  revokedAt: Date | null;
  /** Why it was revoked: 'logout', 'logout_all', 'deleted', 'password_changed', 'reuse_detected', 'admin',
   *  'account_disabled'. */
  revokedReason: string | null;
  /**
   * The RFC 7638 thumbprint of the key the session is bound to (DPoP, RFC 9449), set when the session starts and
   * never changed; null for a bearer session. Every refresh of a bound session must be signed by this key.
   */
  dpopJkt: string | null;
}

export type NewSession = Omit<SessionRecord, 'recentRotations' | 'revokedAt' | 'revokedReason'>;

export interface SessionRotation {
  /** The secret hash the caller saw; the rotation only happens if it is still the current one. */
  expectedSecretHash: string;
  newSecretHash: string;
  /** This rotation's random nonce (base64url). */
  rotationNonce: string;
  rotatedAt: Date;
  idleExpiresAt: Date;
  /**
   * The rotations to keep behind this one, newest first: the caller's pruned copy of the `recentRotations` it
   * read in the same record as `expectedSecretHash`.
   */
  earlierRotations: RotationRecord[];
}

export interface RevokedSession {
  id: string;
  userId: string;
  revokedAt: Date;
}

export interface SessionStore {
  createSession(session: NewSession): Promise<void>;
  /** Returns the session whether revoked or expired; the caller applies the rules. */
  findSession(id: string): Promise<SessionRecord | null>;
  /**
   * Atomic compare-and-swap rotation: when the session is not revoked and its `secretHash` still equals
   * `expectedSecretHash`, in ONE atomic step sets secretHash ← newSecretHash,
   * recentRotations ← [{ supersededHash: expectedSecretHash, nonce: rotationNonce, rotatedAt }, …earlierRotations],
   * lastUsedAt ← rotatedAt, idleExpiresAt, and resolves `true`. Otherwise changes nothing and resolves `false`.
   * Of any number of concurrent calls with the same expected hash, exactly one wins.
   *
   * The history is appended without being read here: only this method writes `recentRotations`, and every
   * rotation replaces `secretHash` with a hash never stored before, so `secretHash` versions the history. A
   * caller whose expected hash is still current therefore read the current history, and a rotation that won in
   * between makes this one fail — no entry is ever lost or forked. It costs the store no extra read.
   */
  rotateSession(id: string, rotation: SessionRotation): Promise<boolean>;
  /** Updates lastUsedAt only (a grace-window refresh touches the session without rotating it). */
  touchSession(id: string, at: Date): Promise<void>;
  /** Live (not revoked, not expired at `now`) sessions of a user, newest first. */
  listUserSessions(userId: string, now: Date): Promise<SessionRecord[]>;
  /**
   * Revokes one session if it is not revoked yet. Resolves to the revocation when this call revoked it,
   * `null` when it did not exist or was already revoked.
   */
  revokeSession(id: string, at: Date, reason: string): Promise<RevokedSession | null>;
  /**
   * Revokes every live session of the user except `exceptSessionId`, atomically (one statement or
   * transaction), and resolves to the sessions it revoked.
   */
  revokeUserSessions(userId: string, at: Date, reason: string, exceptSessionId?: string): Promise<RevokedSession[]>;
  /** Sessions revoked at or after `since`: the server loads these at start into its in-memory deny set. */
  listRevokedSince(since: Date): Promise<RevokedSession[]>;
  /** Deletes sessions whose absolute or idle expiry is before `before` (housekeeping); resolves to the count. */
  deleteExpiredSessions(before: Date): Promise<number>;
}

export interface StoredKey {
  kid: string;
  alg: SigningAlg;
  /** The public JWK as JSON text (null for HS256, whose key is derived from the server secret). */
  publicJwk: string | null;
  /** The private key, encrypted with the key derived from the server secret (AES-256-GCM), base64url. */
  privateKeyEncrypted: string | null;
  createdAt: Date;
  /** When it stopped signing; it stays published until retiredAt + the access lifetime. */
  retiredAt: Date | null;
}

export interface KeyStore {
  listKeys(): Promise<StoredKey[]>;
  /**
   * Inserts `key` and, in the same transaction, sets retiredAt = key.createdAt on every key that is not yet
   * retired, so exactly one key signs at any moment; resolves `true`.
   *
   * With `replacing` (a kid), it is a compare-and-swap: the key is added only while the key that signs is the one
   * with that kid; otherwise nothing changes and it resolves `false`. Of any number of concurrent calls replacing
   * the same kid, exactly one adds its key — how N instances rotating on a schedule rotate once, not N times.
   */
  addSigningKey(key: StoredKey, options?: { replacing?: string }): Promise<boolean>;
  /** Deletes retired keys whose retiredAt is before `before`. */
  deleteRetiredKeys(before: Date): Promise<number>;
  /**
   * Deletes the key with this kid if it is retired (one atomic delete); true when a key was deleted. A key that
   * still signs is never deleted, so the store always keeps one to sign with: rotate first.
   */
  deleteRetiredKey(kid: string): Promise<boolean>;
}

/** What a one-time token is for; a token of one purpose is never accepted for another. */
export type OneTimeTokenPurpose = 'verify_email' | 'password_reset';

/**
 * A one-time token sent by mail (a verification or password-reset link). Only its hash is stored: whoever reads
 * the table cannot use a pending link.
 */
export interface OneTimeTokenRecord {
  /** base64url SHA-256 of the token's 256-bit secret. */
  hash: string;
  purpose: OneTimeTokenPurpose;
  userId: string;
  /** The address the link was sent to: a verification only ever vouches for that address. */
  email: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface OneTimeTokenStore {
  /**
   * Stores the token and, in the same atomic step, deletes every other token of the same user and purpose: a
   * newer link kills the older ones, so only the last mail sent works. Of concurrent calls for one user and
   * purpose, exactly one token survives.
   */
  issueOneTimeToken(token: OneTimeTokenRecord): Promise<void>;
  /**
   * Atomic get-and-delete: removes the token with this hash and purpose and resolves to it when it was not expired
   * at `now`; `null` when there is no such token (never issued, already used, superseded) or it had expired (an
   * expired one is deleted too). Of any number of concurrent calls with one hash, exactly one gets the record:
   * a link works once, however many tabs open it at the same moment.
   */
  consumeOneTimeToken(hash: string, purpose: OneTimeTokenPurpose, now: Date): Promise<OneTimeTokenRecord | null>;
  /** Deletes every token of the user for `purpose` (a password change kills pending reset links); the count. */
  deleteUserOneTimeTokens(userId: string, purpose: OneTimeTokenPurpose): Promise<number>;
}

/**
 * Which address of a user was proven to be theirs, and when. One row per user: verifying a new address replaces
 * the old record, and a user whose current email differs from the recorded one is simply unverified — changing
 * the email needs no second write to reset the flag.
 */
export interface EmailVerificationStore {
  /** Records (replacing any earlier record of the user, atomically) that `email` was verified at `at`. */
  markEmailVerified(userId: string, email: string, at: Date): Promise<void>;
  /** When `email` was verified for this user; null when never (or when the record is for another address). */
  emailVerifiedAt(userId: string, email: string): Promise<Date | null>;
}

/** A user's second factor. */
export interface TwoFactorRecord {
  userId: string;
  /** The TOTP secret, AES-256-GCM under the key derived from the server secret (base64url). */
  secretEncrypted: string;
  /** When the first valid code confirmed it; null while the enrolment is pending (it protects nothing yet). */
  enabledAt: Date | null;
  /** The last TOTP time step accepted; null before any. A code of this step or an earlier one is refused. */
  lastUsedStep: number | null;
  /** base64url SHA-256 of each unused recovery code. */
  recoveryCodeHashes: string[];
  createdAt: Date;
}

/** A password-checked login waiting for its second factor. */
export interface TwoFactorChallengeRecord {
  /** base64url SHA-256 of the challenge; the challenge itself is never stored. */
  idHash: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface TwoFactorStore {
  findTwoFactor(userId: string): Promise<TwoFactorRecord | null>;
  /**
   * Records a pending enrolment (enabledAt null, no step, no recovery codes), replacing an earlier pending one.
   * Resolves to `false`, writing nothing, when the user already has an enabled second factor: re-enrolling never
   * silently replaces an active one.
   */
  savePendingTwoFactor(userId: string, secretEncrypted: string, at: Date): Promise<boolean>;
  /**
   * Confirms the pending enrolment whose secret is still `secretEncrypted`: in one atomic step sets enabledAt,
   * lastUsedStep ← `step` (the confirming code is spent) and the recovery codes. Resolves to `false`, writing
   * nothing, when there is no such pending enrolment (already enabled, replaced or removed meanwhile).
   */
  enableTwoFactor(userId: string, confirm: { secretEncrypted: string; step: number; recoveryCodeHashes: readonly string[]; at: Date }): Promise<boolean>;
  /**
   * Spends a TOTP step: atomically sets lastUsedStep ← `step` when the second factor is enabled and `step` is
   * later than lastUsedStep (or none was used). Of any number of concurrent calls with the same step, exactly one
   * resolves `true`: each code works once.
   */
  useTotpStep(userId: string, step: number): Promise<boolean>;
  /** Atomically removes one unused recovery code of an enabled second factor; `true` for exactly one caller. */
  useRecoveryCode(userId: string, codeHash: string): Promise<boolean>;
  /**
   * Replaces every recovery code of an enabled second factor with `recoveryCodeHashes`, in one atomic step: no
   * moment has old and new codes both valid, or none. Resolves to `false`, writing nothing, when the user has no
   * enabled second factor (never enrolled, pending, or removed meanwhile).
   */
  replaceRecoveryCodes(userId: string, recoveryCodeHashes: readonly string[]): Promise<boolean>;
  /** Removes the second factor (pending or enabled) and its recovery codes; `false` when there was none. */
  deleteTwoFactor(userId: string): Promise<boolean>;
  createTwoFactorChallenge(challenge: TwoFactorChallengeRecord): Promise<void>;
  /** The challenge, whether expired or not (the caller applies the rules); null when unknown or consumed. */
  findTwoFactorChallenge(idHash: string): Promise<TwoFactorChallengeRecord | null>;
  /** Atomically gets and deletes the challenge: of any number of concurrent calls, exactly one gets it. */
  consumeTwoFactorChallenge(idHash: string): Promise<TwoFactorChallengeRecord | null>;
  /** Deletes challenges that expired before `before` (housekeeping); resolves to the count. */
  deleteExpiredTwoFactorChallenges(before: Date): Promise<number>;
}

/** Everything the auth core needs from storage. */
export interface Stores {
  users: UserStore;
  sessions: SessionStore;
  keys: KeyStore;
  /** Second factors (TOTP, recovery codes) and the login challenges waiting for them. */
  twoFactor: TwoFactorStore;
  /**
   * Passkeys and their ceremonies' challenges; passkey sign-in is available only when the stores have them
   * (the SQL and in-memory stores do; with Redis they stay in SQL next to the users).
   */
  passkeys?: PasskeyStore;
  /** Mailed one-time tokens (verification and password-reset links). */
  oneTimeTokens: OneTimeTokenStore;
  emailVerifications: EmailVerificationStore;
  /** Releases connections. */
  close(): Promise<void>;
}
