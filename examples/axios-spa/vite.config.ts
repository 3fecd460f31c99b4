import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const client = fileURLToPath(new URL('../../packages/client/src/', import.meta.url));

// @tessera/client is bundled from its sources, so the build never depends on a stale dist.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@tessera\/client$/, replacement: `${client}index.ts` },
      { find: /^@tessera\/client\/axios$/, replacement: `${client}axios.ts` },
    ],
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
