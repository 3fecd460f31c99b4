import type { ColumnType, Kysely, Selectable } from 'kysely';

/**
 * Instants are stored as BIGINT milliseconds since the epoch (portable across SQLite, PostgreSQL and MySQL, and
 * free of time-zone settings). Reads come back as a number, or as a string from pg, which does not trust a
 * 64-bit integer to fit a JS number; `rows.ts` converts them to `Date` at the edge.
 */
export type Millis = ColumnType<number | string | bigint, number, number>;
export type NullableMillis = ColumnType<number | string | bigint | null, number | null, number | null>;

export interface UsersTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  /** JSON array of strings. */
  roles: string;
  created_at: Millis;
  updated_at: Millis;
  /** Added by migration 0003; NULL while the account is enabled. */
  disabled_at: NullableMillis;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  secret_hash: string;
  previous_secret_hash: string | null;
  rotated_at: NullableMillis;
  rotation_nonce: string | null;
  /** JSON, newest first; the three columns above repeat its first entry (see encodeRecentRotations). */
  recent_rotations: string | null;
  created_at: Millis;
  last_used_at: Millis;
  idle_expires_at: Millis;
  absolute_expires_at: Millis;
  user_agent: string | null;
  ip: string | null;
  revoked_at: NullableMillis;
  revoked_reason: string | null;
  /** Added by migration 0007: the DPoP key thumbprint of a bound session. */
  dpop_jkt: string | null;
}

export interface KeysTable {
  kid: string;
  alg: string;
  public_jwk: string | null;
  private_key_encrypted: string | null;
  created_at: Millis;
  retired_at: NullableMillis;
}

/** Added by migration 0004: mailed one-time tokens, by the SHA-256 of the token. */
export interface OneTimeTokensTable {
  hash: string;
  purpose: string;
  user_id: string;
  email: string;
  created_at: Millis;
  expires_at: Millis;
}

/** Added by migration 0004: the one verified address of a user. */
export interface EmailVerificationsTable {
  user_id: string;
  email: string;
  verified_at: Millis;
}

/** Migration 0005: a user's second factor; pending while enabled_at is NULL. */
export interface TwoFactorTable {
  user_id: string;
  secret_encrypted: string;
  enabled_at: NullableMillis;
  last_used_step: ColumnType<number | string | bigint | null, number | null, number | null>;
  created_at: Millis;
}

export interface TwoFactorRecoveryCodesTable {
  user_id: string;
  code_hash: string;
}

export interface TwoFactorChallengesTable {
  id_hash: string;
  user_id: string;
  created_at: Millis;
  expires_at: Millis;
}

/** Migration 0006: passkeys (WebAuthn credentials). */
export interface PasskeysTable {
  id: string;
  user_id: string;
  /** base64url COSE public key. */
  public_key: string;
  counter: ColumnType<number | string | bigint, number, number>;
  /** JSON array of strings. */
  transports: string;
  device_type: string;
  /** 0 or 1. */
  backed_up: ColumnType<number | string | bigint | boolean, number, number>;
  name: string;
  created_at: Millis;
  last_used_at: NullableMillis;
}

/** Migration 0006: one-time challenges of passkey ceremonies. */
export interface PasskeyChallengesTable {
  id: string;
  challenge: string;
  purpose: string;
  user_id: string | null;
  expires_at: Millis;
}

export interface TesseraDatabase {
  tessera_one_time_tokens: OneTimeTokensTable;
  tessera_email_verifications: EmailVerificationsTable;
  tessera_users: UsersTable;
  tessera_sessions: SessionsTable;
  tessera_keys: KeysTable;
  tessera_two_factor: TwoFactorTable;
  tessera_two_factor_recovery_codes: TwoFactorRecoveryCodesTable;
  tessera_two_factor_challenges: TwoFactorChallengesTable;
  tessera_passkeys: PasskeysTable;
  tessera_passkey_challenges: PasskeyChallengesTable;
}

export type Db = Kysely<TesseraDatabase>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type KeyRow = Selectable<KeysTable>;

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';
