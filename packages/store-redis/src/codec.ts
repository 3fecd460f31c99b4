import { decodeRecentRotations, type NewSession, type SessionRecord } from '@tessera/core';

// A session is one Redis hash. Instants are integer milliseconds; an absent field is null.

export function sessionFields(session: NewSession): string[] {
  const fields = [
    'userId', session.userId,
    'secretHash', session.secretHash,
    'createdAt', String(session.createdAt.getTime()),
    'lastUsedAt', String(session.lastUsedAt.getTime()),
    'idleExp', String(session.idleExpiresAt.getTime()),
    'absExp', String(session.absoluteExpiresAt.getTime()),
  ];
  if (session.userAgent !== null) fields.push('ua', session.userAgent);
  if (session.ip !== null) fields.push('ip', session.ip);
  if (session.dpopJkt !== null) fields.push('jkt', session.dpopJkt);
  return fields;
}

/** [field, value, field, value, …] (what HGETALL answers inside a script) → an object. */
export function pairsToObject(pairs: readonly string[]): Record<string, string> {
  const object: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) object[pairs[i]!] = pairs[i + 1]!;
  return object;
}

const instant = (text: string | undefined): Date | null => (text === undefined ? null : new Date(Number(text)));

function required(hash: Record<string, string>, field: string): string {
  const value = hash[field];
  if (value === undefined) throw new Error(`A stored session lacks its ${field} field.`);
  return value;
}

export function toSessionRecord(id: string, hash: Record<string, string>): SessionRecord {
  return {
    id,
    userId: required(hash, 'userId'),
    secretHash: required(hash, 'secretHash'),
    // prevHash, nonce and rotatedAt repeat the newest rotation, for servers of the previous version.
    recentRotations: decodeRecentRotations(hash.rotations ?? null, {
      previousSecretHash: hash.prevHash ?? null,
      rotationNonce: hash.nonce ?? null,
      rotatedAtMs: hash.rotatedAt === undefined ? null : Number(hash.rotatedAt),
    }),
    createdAt: new Date(Number(required(hash, 'createdAt'))),
    lastUsedAt: new Date(Number(required(hash, 'lastUsedAt'))),
    idleExpiresAt: new Date(Number(required(hash, 'idleExp'))),
    absoluteExpiresAt: new Date(Number(required(hash, 'absExp'))),
    userAgent: hash.ua ?? null,
    ip: hash.ip ?? null,
    revokedAt: instant(hash.revokedAt),
    revokedReason: hash.reason ?? null,
    dpopJkt: hash.jkt ?? null,
  };
}
