// The client's browser build: one self-contained ES module (dist/browser/tessera-client.js) with its only
// dependency, @tessera/wire, inlined, so a page can load it with a plain <script type="module"> and no import map.
// `tsc -b` still emits the unbundled dist/ that bundlers and Node use.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  build: {
    lib: { entry: fileURLToPath(new URL('./src/index.ts', import.meta.url)), formats: ['es'], fileName: () => 'tessera-client.js' },
    outDir: 'dist/browser',
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    target: 'es2022',
  },
});
