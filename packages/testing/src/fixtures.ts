import { randomBytes } from 'node:crypto';
import type { NewSession, NewUser, StoredKey } from '@tessera/core';

/** A fixed base instant with a non-zero millisecond part, so truncation to seconds shows up in tests. */
export const T0 = Date.UTC(2031, 4, 6, 7, 8, 9, 123);
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** `n` random bytes as base64url: 16 → a 22-character session id, 32 → a 43-character SHA-256-sized hash. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}

export const at = (offsetMs = 0): Date => new Date(T0 + offsetMs);

export function makeUser(overrides: Partial<NewUser> = {}): NewUser {
  const id = overrides.id ?? randomId();
  return {
    id,
    email: `user-${randomId(6).toLowerCase()}@example.test`,
    name: 'Ada Lovelace',
    passwordHash: `$argon2id$v=19$m=19456,t=2,p=1$${randomId(16)}$${randomId(32)}`,
    roles: ['user'],
    createdAt: at(),
    ...overrides,
  };
}

export function makeSession(userId: string, overrides: Partial<NewSession> = {}): NewSession {
  return {
    id: randomId(),
    userId,
    secretHash: randomId(32),
    createdAt: at(),
    lastUsedAt: at(),
    idleExpiresAt: at(14 * DAY),
    absoluteExpiresAt: at(30 * DAY),
    userAgent: 'Mozilla/5.0 (conformance)',
    ip: '203.0.113.7',
    dpopJkt: null,
    ...overrides,
  };
}

export function makeKey(overrides: Partial<StoredKey> = {}): StoredKey {
  return {
    kid: randomId(8),
    alg: 'ES256',
    publicJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: randomId(32), y: randomId(32) }),
    privateKeyEncrypted: randomId(120),
    createdAt: at(),
    retiredAt: null,
    ...overrides,
  };
}

/**
 * A fixed server secret for tests, printed once by `tessera secret` (64 hex characters): the same in every process
 * of a test, and strong enough for the secret check, which refuses the short patterns tests used to write.
 */
export const TEST_SECRET = '516d34d73f9fb55a1f484a99e6cb5035d5cc61bd012efe8094af4866ec49d6a6';
