import type { Stores } from '../types.js';
import { createMemoryEmailVerificationStore, createMemoryOneTimeTokenStore } from './one-time-token-store.js';
import { createMemoryKeyStore } from './key-store.js';
import { createMemoryPasskeyStore } from './passkey-store.js';
import { createMemorySessionStore } from './session-store.js';
import { createMemoryTwoFactorStore } from './two-factor-store.js';
import { createMemoryUserStore } from './user-store.js';

/**
 * A complete in-memory implementation of the stores, with the same semantics as the SQL and Redis ones (it
 * passes the same conformance suite). For unit tests and single-process demos; nothing survives a restart.
 */
export function createMemoryStores(): Stores & Required<Pick<Stores, 'passkeys'>> {
  return {
    users: createMemoryUserStore(),
    sessions: createMemorySessionStore(),
    keys: createMemoryKeyStore(),
    passkeys: createMemoryPasskeyStore(),
    twoFactor: createMemoryTwoFactorStore(),
    oneTimeTokens: createMemoryOneTimeTokenStore(),
    emailVerifications: createMemoryEmailVerificationStore(),
    async close() {},
  };
}
