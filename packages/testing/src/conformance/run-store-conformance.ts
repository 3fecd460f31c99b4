import type { Stores } from '@tessera/core';
import { afterEach, beforeEach, describe } from 'vitest';
import type { ConformanceContext } from './context.js';
import { describeDataFidelity } from './data.js';
import { describeKeyStore } from './keys.js';
import { describePasskeyStore } from './passkeys.js';
import { describeOneTimeTokens } from './one-time-tokens.js';
import { describeRefreshGrace } from './refresh-grace.js';
import { describeRotation } from './rotation.js';
import { describeSessionStore } from './sessions.js';
import { describeTwoFactorStore } from './two-factor.js';
import { describeUserStore } from './users.js';

export interface ConformanceOptions {
  /** How many callers race in the concurrency tests (default 50). */
  concurrency?: number;
  /** Whether the stores have a passkey store to prove (default true). */
  passkeys?: boolean;
}

/**
 * The one executable contract for `Stores`: every store (memory, SQLite, PostgreSQL, MySQL, Redis) runs this
 * same Vitest suite. `factory` is called before each test and must resolve to EMPTY stores (a fresh database,
 * or truncated tables); the suite closes them after each test.
 */
export function runStoreConformance(name: string, factory: () => Promise<Stores>, options: ConformanceOptions = {}): void {
  describe(name, () => {
    let current: Stores | undefined;
    const ctx: ConformanceContext = {
      stores() {
        if (!current) throw new Error('The store factory has not produced stores for this test.');
        return current;
      },
      concurrency: options.concurrency ?? 50,
    };

    beforeEach(async () => {
      current = await factory();
    });

    afterEach(async () => {
      const stores = current;
      current = undefined;
      await stores?.close();
    });

    describeUserStore(ctx);
    describeSessionStore(ctx);
    describeRotation(ctx);
    describeRefreshGrace(ctx);
    describeKeyStore(ctx);
    describeDataFidelity(ctx);
    if (options.passkeys ?? true) describePasskeyStore(ctx);
    describeTwoFactorStore(ctx);
    describeOneTimeTokens(ctx);
  });
}
