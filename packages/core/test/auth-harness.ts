// Test-only wiring: an auth core over the in-memory stores with a hand-moved clock. Not exported by index.ts.
import { createMemoryStores } from '../src/store/memory/memory-stores.js';
import { createFixedClock } from './helpers.js';
import { deriveKeys } from '../src/secrets.js';
import { generateSigningKey } from '../src/keys/generate.js';
import type { VerificationKey } from '../src/token/types.js';
import { createAuth, type Auth, type CreateAuthOptions } from '../src/auth/create-auth.js';
import type { AuthSettings } from '../src/auth/context.js';

export const T0 = Date.UTC(2031, 0, 1, 12, 0, 0);

export const SETTINGS: AuthSettings = {
  issuer: 'https://auth.example.test',
  audience: ['tessera'],
  accessTtlSeconds: 900,
  refreshTtlSeconds: 14 * 86400,
  sessionMaxAgeSeconds: 30 * 86400,
  refreshGraceSeconds: 10,
  clockToleranceSeconds: 5,
};

/** The derived keys every test auth uses (tests that check a rule below the auth API need the refresh key). */
export const DERIVED = deriveKeys(Buffer.alloc(32, 7));

export async function createTestAuth(overrides: Partial<AuthSettings> = {}, options: Pick<CreateAuthOptions, 'limits' | 'onEvent' | 'mail'> = {}) {
  const clock = createFixedClock(T0);
  const stores = createMemoryStores();
  const key = generateSigningKey('ES256');
  const verificationKey: VerificationKey = { kid: key.kid, alg: key.alg, key: key.publicKey };
  const revokedEvents: string[][] = [];
  const auth: Auth = await createAuth({
    stores,
    keys: { signingKey: () => key, resolve: (kid) => (kid === key.kid ? verificationKey : undefined) },
    derived: DERIVED,
    settings: { ...SETTINGS, ...overrides },
    now: clock.now,
    onRevoke: (ids) => revokedEvents.push([...ids]),
    ...options,
  });
  return { auth, clock, stores, key, revokedEvents };
}

export const PASSWORD = 'correct horse battery';
