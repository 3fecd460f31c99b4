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

export interface TesseraDatabase {
  tessera_users: UsersTable;
  tessera_sessions: SessionsTable;
  tessera_keys: KeysTable;
}

export type Db = Kysely<TesseraDatabase>;
export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type KeyRow = Selectable<KeysTable>;

export type SqlDialect = 'sqlite' | 'postgres' | 'mysql';
