// Helpers for the client's own tests, over the published server harness (@tessera/server/testing).
import { demoApi } from '@tessera/demo-api';
import { startTestServer as startServer, type TestServer, type TestServerOptions } from '@tessera/server/testing';
import type { TokenStorage } from '../src/types.js';

export { browserLikeFetch, CookieJar, TEST_PASSWORD as PASSWORD, uniqueEmail, type LoggedRequest } from '@tessera/server/testing';

/**
 * The harness's server with no clock tolerance, so a token is expired the second its `exp` begins, and the demo's
 * API: `/api/number` is the protected resource the client's tests call.
 */
export function startTestServer(env: Record<string, string> = {}, options: TestServerOptions = {}): Promise<TestServer> {
  return startServer({ TESSERA_ACCESS_TTL: '15m', TESSERA_CLOCK_TOLERANCE: '0s', ...env }, { demoApi, ...options });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A Web Storage stand-in for sessionStorage in Node. */
export function memorySessionStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return {
    values,
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, String(value)),
    removeItem: (key) => void values.delete(key),
  };
}

/** AsyncStorage-shaped native storage (every call a promise) over `values`, which a test may read or copy. */
export function asyncStorage(values = new Map<string, string>()): TokenStorage & { values: Map<string, string> } {
  return {
    values,
    get: async (key) => values.get(key) ?? null,
    set: async (key, value) => void values.set(key, value),
    remove: async (key) => void values.delete(key),
  };
}
