import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens are `<sessionId>.<secret>`: opaque, never a JWT. The secret is 32 bytes of entropy followed by
 * a 16-byte tag, HMAC(refreshKey, sessionId ‖ entropy). Only SHA-256 of the secret is stored.
 *
 * The tag makes every token we ever issued recognisable without storing its history: a token whose tag is
 * valid but which is no longer current was really issued for this session and has been rotated away, so
 * presenting it (outside the grace window) is reuse — a stolen lineage — and the session is revoked. A string
 * with a bad tag is only a guess and revokes nothing, so knowing a session id (it is the public `sid` claim)
 * is not enough to log somebody out.
 */
export const SESSION_ID_BYTES = 16;
const ENTROPY_BYTES = 32;
const TAG_BYTES = 16;
const SECRET_BYTES = ENTROPY_BYTES + TAG_BYTES;

const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;
const SECRET = /^[A-Za-z0-9_-]{64}$/;

export interface ParsedRefreshToken {
  sessionId: string;
  secret: Buffer;
}

/** Whether `value` has the shape of a session id we issue (22 base64url characters). */
export function isSessionIdShape(value: string): boolean {
  return SESSION_ID.test(value);
}

export function createSessionId(randomBytes: (size: number) => Uint8Array): string {
  return Buffer.from(randomBytes(SESSION_ID_BYTES)).toString('base64url');
}

function tag(refreshKey: Uint8Array, sessionId: string, entropy: Uint8Array): Buffer {
  return createHmac('sha256', refreshKey).update('tag\0').update(sessionId).update('\0').update(entropy).digest().subarray(0, TAG_BYTES);
}

function sealSecret(refreshKey: Uint8Array, sessionId: string, entropy: Uint8Array): Buffer {
  return Buffer.concat([entropy, tag(refreshKey, sessionId, entropy)]);
}

/** A fresh secret: 256 bits from the CSPRNG, tagged. */
export function createRefreshSecret(refreshKey: Uint8Array, sessionId: string, randomBytes: (size: number) => Uint8Array): Buffer {
  return sealSecret(refreshKey, sessionId, randomBytes(ENTROPY_BYTES));
}

/**
 * The secret that replaces `secret` in a rotation with `nonce` (32 CSPRNG bytes, stored with the session).
 * Deterministic on purpose: a concurrent refresh inside the grace window re-derives the session's current
 * secret by replaying the recent rotations' nonces from the token it holds (see rotation-history.ts), so racing
 * tabs, threads or retries all end up holding one lineage instead of forking the session. Without the
 * previous secret (which only its holder has) and the server key, the successor cannot be computed from
 * anything in the database.
 */
export function successorSecret(refreshKey: Uint8Array, sessionId: string, secret: Uint8Array, nonce: Uint8Array): Buffer {
  const entropy = createHmac('sha256', refreshKey).update('next\0').update(sessionId).update('\0').update(secret).update(nonce).digest();
  return sealSecret(refreshKey, sessionId, entropy);
}

export function formatRefreshToken(sessionId: string, secret: Uint8Array): string {
  return `${sessionId}.${Buffer.from(secret).toString('base64url')}`;
}

/** Shape check only; `null` for anything that is not `<22 chars>.<64 chars>` of canonical base64url. */
export function parseRefreshToken(token: string): ParsedRefreshToken | null {
  if (token.length !== 22 + 1 + 64) return null;
  const sessionId = token.slice(0, 22);
  const encoded = token.slice(23);
  if (token[22] !== '.' || !SESSION_ID.test(sessionId) || !SECRET.test(encoded)) return null;
  const secret = Buffer.from(encoded, 'base64url');
  // Canonical encoding only, so one token has exactly one spelling (64 chars encode 48 bytes with no spare bits).
  if (secret.byteLength !== SECRET_BYTES) return null;
  return { sessionId, secret };
}

/** Whether we issued this secret for this session (constant-time tag check). */
export function isAuthenticSecret(refreshKey: Uint8Array, sessionId: string, secret: Buffer): boolean {
  if (secret.byteLength !== SECRET_BYTES) return false;
  return timingSafeEqual(tag(refreshKey, sessionId, secret.subarray(0, ENTROPY_BYTES)), secret.subarray(ENTROPY_BYTES));
}

export function hashSecret(secret: Uint8Array): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Constant-time comparison of two stored-hash strings. */
export function sameHash(a: string | null, b: string | null): boolean {
  if (a === null || b === null) return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.byteLength === right.byteLength && timingSafeEqual(left, right);
}
