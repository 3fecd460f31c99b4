// The README's Admin session, run for real: the sh block under "## Admin" goes to bash against a started server,
// with `npx tessera` running the built CLI in the server's directory (as it would from the repository root,
// where both find ./data), twice in a row; every line the README shows as output must appear in what it printed.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, requireBuiltCli, startTessera, type TesseraProcess } from './processes.testkit.js';

requireBuiltCli();

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const DEFAULT_URL_LINE = 'URL=http://localhost:3000';

function adminBlock(): string {
  const text = readFileSync(README, 'utf8');
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(text.indexOf('\n## Admin\n')));
  if (!block) throw new Error('README.md has no sh block under "## Admin"');
  return block[1]!;
}

function bash(script: string, cwd: string, binDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: process.env.HOME ?? cwd };
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, timeout: 60_000, env }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let tessera: TesseraProcess;
let cwd: string;
let binDir: string;
beforeAll(async () => {
  cwd = mkdtempSync(path.join(tmpdir(), 'tessera-readme-admin-'));
  binDir = mkdtempSync(path.join(tmpdir(), 'tessera-readme-admin-bin-'));
  // `npx tessera …` as in the repository root, without npm looking anything up.
  writeFileSync(path.join(binDir, 'npx'), `#!/bin/sh\n[ "$1" = tessera ] || exit 127\nshift\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(path.join(binDir, 'npx'), 0o755);
  tessera = await startTessera({ TESSERA_LOG_LEVEL: 'warn' }, 20_000, cwd);
});
afterAll(async () => {
  await tessera?.stop();
  for (const dir of [cwd, binDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('README: Admin', () => {
  it('runs as written, twice in a row, and prints what the README says it prints', async () => {
    const script = adminBlock();
    expect(script.split('\n').filter((line) => line === DEFAULT_URL_LINE)).toHaveLength(1);
    const shown = script.split('\n').filter((line) => line.startsWith('# ') && !/^# \d+\. /.test(line)).map((line) => line.slice(2));
    expect(shown).toEqual([
      'HTTP/1.1 403 Forbidden',
      'HTTP/1.1 401 Unauthorized',
      '{"error":"account_disabled","message":"This account has been disabled; contact the administrator."}',
      '{"sessionsRevoked":1}',
    ]);
    for (const round of [1, 2]) {
      // Distinct emails per round: the block names them after the second and the shell's pid.
      const result = await bash(script.replace(DEFAULT_URL_LINE, `URL=${tessera.url}`), cwd, binDir);
      expect(result.code, `round ${round}: ${result.stderr}`).toBe(0);
      const out = result.stdout.replace(/\r/g, '');
      const lines = out.split('\n');
      for (const line of shown) expect(lines, `round ${round}: ${out}`).toContain(line);
      // 3. the search found the new user first (newest first); 4. the roles were set; 6. the disable revoked both sessions.
      expect(out).toMatch(/^\{"users":\[\{"id":"[^"]+","email":"bo-\d+-\d+@example\.com","name":null,"roles":\[\],/m);
      expect(out).toMatch(/"roles":\["support"\]/);
      expect(out).toMatch(/"sessionsRevoked":2\}$/m);
      expect(out).toContain('error="insufficient_scope"');
      expect(result.stderr).toMatch(/"type":"user_created"/);
    }
  });
});
