// The README's two-factor session, run for real: the sh block under "## Two-factor authentication" goes to bash
// against a started server, twice in a row (each run enrols a new account); every line the README shows as
// output must appear in what it printed. `otpauth` resolves from the repository's node_modules, as it does when
// the block runs from the repository root.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, startTessera, type TesseraProcess } from './processes.testkit.js';

requireBuiltCli();

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const NODE_MODULES = fileURLToPath(new URL('../node_modules', import.meta.url));
const DEFAULT_URL_LINE = 'URL=http://localhost:3000';

function twoFactorBlock(): string {
  const text = readFileSync(README, 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(text.indexOf('\n## Two-factor authentication\n')));
  if (!block) throw new Error('README.md has no sh block under "## Two-factor authentication"');
  return block[1]!;
}

function bash(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_PATH: NODE_MODULES };
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, timeout: 60_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let tessera: TesseraProcess;
let cwd: string;
beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'tessera-readme-2fa-'));
  tessera = await startTessera({ TESSERA_LOG_LEVEL: 'warn' }, 20_000, cwd);
});
afterAll(async () => {
  await tessera?.stop();
  if (cwd) rmSync(cwd, { recursive: true, force: true });
});

describe('README: Two-factor authentication', () => {
  it('runs as written, twice in a row, and prints what the README says it prints', async () => {
    const script = twoFactorBlock();
    expect(script.split('\n').filter((line) => line === DEFAULT_URL_LINE)).toHaveLength(1);
    const shown = script.split('\n').filter((line) => line.startsWith('# ') && !/^# \d+\. /.test(line)).map((line) => line.slice(2));
    expect(shown).toEqual([
      '{"error":"two_factor_required","message"',
      'Bearer',
      '{"error":"invalid_challenge","message":"The second-factor challenge is unknown, used or expired; log in again."}',
      '200',
      '{"error":"invalid_two_factor_code","message":"The code is incorrect or was already used."}',
    ]);
    for (const round of [1, 2]) {
      const result = await bash(script.replace(DEFAULT_URL_LINE, `URL=${tessera.url}`), cwd);
      expect(result.code, `round ${round}: ${result.stderr}`).toBe(0);
      const lines = result.stdout.replace(/\r/g, '').split('\n');
      for (const line of shown) expect(lines, `round ${round}: ${result.stdout}`).toContain(line);
    }
  });
});
