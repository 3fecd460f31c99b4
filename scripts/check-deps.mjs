// Keeps every package.json true to its code: a package a published file imports must be a dependency (or a peer),
// a dependency nothing imports is a lie a user pays for at install, and a test-only import belongs in
// devDependencies. Run by `npm test`; exits non-zero naming each mismatch.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const builtins = new Set(builtinModules);
const TEST_FILE = /\.(test|testkit)\.tsx?$/;
// Dependencies used without an import statement: native bindings a dependency loads, bins a script runs.
const USED_WITHOUT_IMPORT = { '@tessera/store-sql': ['better-sqlite3', 'pg', 'mysql2'] };

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : files(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The package each bare import names: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
function importedPackages(source) {
  const names = new Set();
  for (const { fileName: specifier } of ts.preProcessFile(source, true, true).importedFiles) {
    if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) continue;
    const parts = specifier.split('/');
    names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return names;
}

const problems = [];
// The published packages, and the demo's API, which `tessera serve` depends on.
const packageDirs = [...readdirSync(join(root, 'packages')).map((dir) => join(root, 'packages', dir)), join(root, 'apps', 'demo-api')];
for (const base of packageDirs) {
  const manifest = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8'));
  const runtime = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
  const dev = new Set([...Object.keys(manifest.devDependencies ?? {}), ...Object.keys(rootManifest.devDependencies ?? {})]);
  const used = new Set(USED_WITHOUT_IMPORT[manifest.name] ?? []);
  const testDir = join(base, 'test');
  for (const file of [...files(join(base, 'src')), ...(existsSync(testDir) ? files(testDir) : [])]) {
    const isTest = (TEST_FILE.test(relative(base, file)) || file.startsWith(testDir)) && manifest.name !== '@tessera/testing';
    for (const name of importedPackages(readFileSync(file, 'utf8'))) {
      if (name === manifest.name) continue;
      if (!isTest) used.add(name);
      if (runtime.has(name)) continue;
      if (isTest && dev.has(name)) continue;
      problems.push(`${relative(root, file)} imports "${name}", which ${manifest.name} does not declare in ${isTest ? 'dependencies or devDependencies' : 'dependencies or peerDependencies'}.`);
    }
  }
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    if (!used.has(name)) problems.push(`${manifest.name} lists "${name}" in dependencies, but no published file imports it: move it to devDependencies or drop it.`);
  }
}

if (problems.length > 0) {
  for (const line of problems) console.error(line);
  process.exit(1);
}
console.log('dependencies: every package.json matches its imports');
