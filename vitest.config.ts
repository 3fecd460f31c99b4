import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// Tests import workspace packages from their sources, so a test run never depends on a stale build:
// `@tessera/x` → packages/x/src/index.ts, `@tessera/x/sub` → packages/x/src/sub.ts.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tessera\/demo-api$/, replacement: fileURLToPath(new URL('./apps/demo-api/src/index.ts', import.meta.url)) },
      { find: /^@tessera\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^@tessera\/([a-z-]+)\/([a-z-]+)$/, replacement: `${packages}$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/src/**/*.test.tsx', 'e2e/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'examples/*/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // graphql-http is loaded by Node, which resolves `graphql` to its CommonJS build, while the tests' own imports
    // get its ES build: two copies of graphql-js that refuse each other's schema. Inlined, both get the same one.
    server: { deps: { inline: ['graphql-http'] } },
  },
});
