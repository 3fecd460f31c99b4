import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const packages = fileURLToPath(new URL('../../packages/', import.meta.url));

// The workspace packages are bundled from their sources, so the build never depends on a stale dist.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [{ find: /^@tessera\/(client|react)$/, replacement: `${packages}$1/src/index.ts` }],
    dedupe: ['react', 'react-dom'],
  },
  build: { outDir: 'dist', emptyOutDir: true },
});
