import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

// Tests import workspace packages from their sources, so a test run never depends on a stale build.
export default defineConfig({
  resolve: {
    alias: {
      '@tessera/core': src('core'),
      '@tessera/store-sql': src('store-sql'),
      '@tessera/testing': src('testing'),
      '@tessera/server': src('server'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'e2e/**/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
