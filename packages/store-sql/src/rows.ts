import { decodeRecentRotations, type RevokedSession, type SessionRecord, type SigningAlg, type StoredKey, type UserRecord } from '@tessera/core';
import type { KeyRow, SessionRow, UserRow } from './schema.js';

const ALGS: readonly string[] = ['ES256', 'EdDSA', 'RS256', 'HS256'] satisfies SigningAlg[];
const isSigningAlg = (alg: string): alg is SigningAlg => ALGS.includes(alg);

export function toMillis(date: Date): number {
  const ms = date.getTime();
  if (!Number.isSafeInteger(ms)) throw new RangeError('An instant to store is not a valid date.');
  return ms;
}

export function toMillisOrNull(date: Date | null): number | null {
  return date === null ? null : toMillis(date);
}

/** BIGINT milliseconds to Date; pg hands BIGINT over as a string, so accept every integer shape. */
export function toDate(value: number | string | bigint): Date {
  const ms = Number(value);
  if (!Number.isSafeInteger(ms)) throw new RangeError('A stored instant is not an integer number of milliseconds.');
  return new Date(ms);
}

export function toDateOrNull(value: number | string | bigint | null): Date | null {
  return value === null ? null : toDate(value);
}

function parseRoles(text: string): string[] {
  const roles: unknown = JSON.parse(text);
  if (!Array.isArray(roles) || !roles.every((r): r is string => typeof r === 'string')) {
    throw new TypeError('Stored roles are not a JSON array of strings.');
  }
  return roles;
}

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    roles: parseRoles(row.roles),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    disabledAt: toDateOrNull(row.disabled_at),
  };
}

export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    secretHash: row.secret_hash,
    recentRotations: decodeRecentRotations(row.recent_rotations, {
      previousSecretHash: row.previous_secret_hash,
      rotationNonce: row.rotation_nonce,
      rotatedAtMs: row.rotated_at === null ? null : toDate(row.rotated_at).getTime(),
    }),
    createdAt: toDate(row.created_at),
    lastUsedAt: toDate(row.last_used_at),
    idleExpiresAt: toDate(row.idle_expires_at),
    absoluteExpiresAt: toDate(row.absolute_expires_at),
    userAgent: row.user_agent,
    ip: row.ip,
    revokedAt: toDateOrNull(row.revoked_at),
    revokedReason: row.revoked_reason,
    // Undefined on a row written before migration 0007 ran (a select of * during a rolling upgrade).
    dpopJkt: row.dpop_jkt ?? null,
  };
}

export function toRevoked(row: Pick<SessionRow, 'id' | 'user_id'>, revokedAt: number | string | bigint): RevokedSession {
  return { id: row.id, userId: row.user_id, revokedAt: toDate(revokedAt) };
}

export function toKey(row: KeyRow): StoredKey {
  const alg = row.alg;
  if (!isSigningAlg(alg)) throw new TypeError('A stored key has an unknown algorithm.');
  return {
    kid: row.kid,
    alg,
    publicJwk: row.public_jwk,
    privateKeyEncrypted: row.private_key_encrypted,
    createdAt: toDate(row.created_at),
    retiredAt: toDateOrNull(row.retired_at),
  };
}
