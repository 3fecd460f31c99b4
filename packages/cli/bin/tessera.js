#!/usr/bin/env node
// What `npx tessera` runs. npm links a workspace package's bin into the root node_modules/.bin only when the
// file exists at `npm install` time, and dist/ does not exist yet on a fresh clone; this file is committed, so
// the link is always made. It runs the built CLI, or says in one line how to build it.
import { existsSync } from 'node:fs';

const built = new URL('../dist/bin.js', import.meta.url);
if (!existsSync(built)) {
  process.stderr.write('tessera: the CLI is not built yet; run "npm run build" in the repository root first.\n');
  process.exit(1);
}
await import(built.href);
