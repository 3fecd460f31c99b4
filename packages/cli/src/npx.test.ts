import { exec as execCallback } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// What the README and the server's own hints tell people to type, typed the same way: a shell in the
// repository root, after `npm install` and `npm run build`.
const exec = promisify(execCallback);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const LAUNCHER = fileURLToPath(new URL('../bin/tessera.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function shell(command: string, cwd: string): Promise<Outcome> {
  try {
    const { stdout, stderr } = await exec(command, { cwd, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('npx tessera from the repository root', () => {
  it('npm install linked node_modules/.bin/tessera (rerun `npm install` if this fails on an older checkout)', () => {
    expect(existsSync(path.join(ROOT, 'node_modules/.bin/tessera'))).toBe(true);
    expect(existsSync(BUILT), 'packages/cli/dist/bin.js: run `npm run build` first').toBe(true);
  });

  it('`npx tessera secret` prints one line of 64 hex characters and exits 0', async () => {
    const result = await shell('npx tessera secret', ROOT);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^[0-9a-f]{64}\n$/);
  });

  it('`npx tessera --help` lists the commands and exits 0', async () => {
    const result = await shell('npx tessera --help', ROOT);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: tessera <command> \[options\]\n/);
    for (const command of ['serve', 'secret', 'keys', 'token', 'users', 'sessions', 'migrate']) expect(result.stdout).toMatch(new RegExp(`\\n  ${command} `));
  });

  it('`npx tessera nope` fails with one line and a non-zero code', async () => {
    const result = await shell('npx tessera nope', ROOT);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tessera: unknown command "nope" (run "tessera --help" for the list)\n');
  });

  it('before a build, the launcher says in one line what to run, and exits 1', async () => {
    // The launcher alone, where no dist/ sits beside it: a fresh clone after `npm install`.
    const dir = mkdtempSync(path.join(tmpdir(), 'tessera-launcher-'));
    scratch.push(dir);
    mkdirSync(path.join(dir, 'bin'));
    copyFileSync(LAUNCHER, path.join(dir, 'bin/tessera.js'));
    const result = await shell(`"${process.execPath}" bin/tessera.js secret`, dir);
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'tessera: the CLI is not built yet; run "npm run build" in the repository root first.\n' });
  });
});
