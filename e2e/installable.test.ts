// The packages as a user gets them: each workspace package packed with `npm pack`, the tarballs installed into a
// fresh project in a temporary directory outside this repository (third-party dependencies from the registry),
// and there `npx tessera serve`, an Express route behind @tessera/guard, and @tessera/client in Node against both.
// Nothing here resolves through the workspace: a missing `files` entry, a dependency declared only in the
// monorepo, an import of a sibling's source or an `exports` map without the file fails this test.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
// Each publishable workspace, by its folder: the packages, and the demo's API that `tessera serve` mounts.
const PACKAGES = ['wire', 'core', 'store-sql', 'store-redis', 'server', 'guard', 'client', 'react', 'testing', 'cli'].map((name) => `packages/${name}`).concat('apps/demo-api');
const INSTALL_TIMEOUT_MS = 8 * 60_000;

let dir = '';
let serverProcess: ChildProcess | undefined;
let apiProcess: ChildProcess | undefined;

/** Stops a child we started, and its children (npx runs node), by its process group id. */
function stop(child: ChildProcess | undefined): void {
  if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

afterAll(() => {
  stop(apiProcess);
  stop(serverProcess);
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

/** Spawns `command` in the project and resolves with the first match of `ready` on its standard output. */
function startAndWait(command: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(command, args, { cwd: path.join(dir, 'app'), env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} printed nothing matching ${ready} in 60 s; stderr:\n${err}`)), 60_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} ${args.join(' ')} exited (${code}) before it was ready; stderr:\n${err}`));
    });
  });
}

describe('installed from packed tarballs, outside the repository', () => {
  it('every package packs with its dist, types, README and LICENSE, and nothing of the workspace', async () => {
    expect(existsSync(path.join(ROOT, 'packages/cli/dist/bin.js')), 'build first: npx tsc -b').toBe(true);
    dir = mkdtempSync(path.join(tmpdir(), 'tessera-install-'));
    expect(path.relative(ROOT, dir).startsWith('..')).toBe(true);
    mkdirSync(path.join(dir, 'tarballs'));
    const tarballs: Record<string, string> = {};
    for (const name of PACKAGES) {
      const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', path.join(dir, 'tarballs')], { cwd: path.join(ROOT, name) });
      const [packed] = JSON.parse(stdout) as { name: string; filename: string; files: { path: string }[] }[];
      const files = packed!.files.map((file) => file.path);
      expect(files, packed!.name).toContain('README.md');
      expect(files, packed!.name).toContain('LICENSE');
      expect(files, packed!.name).toContain('dist/index.js');
      expect(files, packed!.name).toContain('dist/index.d.ts');
      if (packed!.name === '@tessera/client') expect(files).toContain('dist/browser/tessera-client.js');
      expect(files.filter((file) => file.startsWith('src/') || /\.(test|testkit)\./.test(file)), packed!.name).toEqual([]);
      const manifest = JSON.parse(readFileSync(path.join(ROOT, name, 'package.json'), 'utf8')) as { private?: boolean; license?: string };
      expect({ name: packed!.name, private: manifest.private, license: manifest.license }).toEqual({ name: packed!.name, private: undefined, license: 'MIT' });
      tarballs[packed!.name] = `file:../tarballs/${packed!.filename}`;
    }
    expect(Object.keys(tarballs).sort()).toEqual(['@tessera/cli', '@tessera/client', '@tessera/core', '@tessera/demo-api', '@tessera/guard', '@tessera/react', '@tessera/server', '@tessera/store-redis', '@tessera/store-sql', '@tessera/testing', '@tessera/wire']);
    mkdirSync(path.join(dir, 'app'));
    // Every @tessera package comes from its tarball, also where another one depends on it: the registry's
    // @tessera scope is not ours to fetch from.
    const overrides = Object.fromEntries(Object.keys(tarballs).map((name) => [name, `$${name}`]));
    writeFileSync(path.join(dir, 'app/package.json'), JSON.stringify({ name: 'tessera-user', private: true, type: 'module', dependencies: { ...tarballs, express: '^5.1.0' }, overrides }, null, 2));
  });

  it('installs with npm into a fresh project', async () => {
    expect(dir).not.toBe('');
    await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: path.join(dir, 'app'), timeout: INSTALL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
    expect(existsSync(path.join(dir, 'app/node_modules/.bin/tessera'))).toBe(true);
  }, INSTALL_TIMEOUT_MS + 10_000);

  it('runs `npx tessera serve`, an Express route behind the guard, and the client against both', async () => {
    const secret = randomBytes(32).toString('hex');
    const server = await startAndWait('npx', ['--no', 'tessera', 'serve'], { PORT: '0', TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_SECRET: secret, TESSERA_DATA_DIR: path.join(dir, 'data') }, /Tessera is listening on (\S+)/);
    serverProcess = server.child;
    const url = server.match[1]!;
    // The demo's API comes with the installed command (TESSERA_DEMO is on outside production): Bearer only.
    const demo = await fetch(`${url}/api/number`);
    expect({ status: demo.status, challenge: demo.headers.get('www-authenticate') }).toEqual({ status: 401, challenge: 'Bearer realm="tessera"' });
    writeFileSync(
      path.join(dir, 'app/api.js'),
      `import express from 'express';
import { createGuard } from '@tessera/guard';
import { requireAuth } from '@tessera/guard/express';
const guard = createGuard({ issuer: process.env.ISSUER, audience: 'tessera', algorithms: ['ES256'], jwksUrl: process.env.ISSUER + '/.well-known/jwks.json' });
const app = express();
app.get('/orders', requireAuth(guard), (req, res) => res.json({ owner: req.auth.sub }));
const listener = app.listen(0, '127.0.0.1', () => console.log('api on http://127.0.0.1:' + listener.address().port));
`,
    );
    const api = await startAndWait('node', ['api.js'], { ISSUER: url }, /api on (\S+)/);
    apiProcess = api.child;
    const apiUrl = api.match[1]!;
    writeFileSync(
      path.join(dir, 'app/client.js'),
      `import { createAuthClient } from '@tessera/client';
const auth = createAuthClient({ baseUrl: process.env.ISSUER, apiOrigins: [process.env.ISSUER, process.env.API] });
const anonymous = await fetch(process.env.API + '/orders');
const user = await auth.signup({ email: 'ann@example.test', password: 'correct horse battery staple' });
const orders = await auth.fetch(process.env.API + '/orders');
console.log(JSON.stringify({ anonymous: anonymous.status, challenge: anonymous.headers.get('www-authenticate'), user: user.email, status: orders.status, body: await orders.json(), id: user.id }));
`,
    );
    const { stdout } = await run('node', ['client.js'], { cwd: path.join(dir, 'app'), env: { PATH: process.env.PATH ?? '', ISSUER: url, API: apiUrl }, timeout: 30_000 });
    const outcome = JSON.parse(stdout) as { anonymous: number; challenge: string; user: string; status: number; body: { owner: string }; id: string };
    expect(outcome).toEqual({ anonymous: 401, challenge: 'Bearer realm="tessera"', user: 'ann@example.test', status: 200, body: { owner: outcome.id }, id: outcome.id });
  }, 120_000);
});
