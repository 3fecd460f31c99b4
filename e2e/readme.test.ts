// The README's curl walk-through, run for real: the sh block under "A walk-through with curl" goes to bash
// against a started server, twice (a second run must work as well as the first), and every line the README
// shows as output (a comment that is not a step's heading) must appear in what the commands printed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, startTessera, type TesseraProcess } from './processes.testkit.js';

requireBuiltCli();

const README = fileURLToPath(new URL('../README.md', import.meta.url));
const DEFAULT_URL_LINE = 'URL=http://localhost:3000';

/** The first sh block after the walk-through's heading. */
function walkThrough(): string {
  const text = readFileSync(README, 'utf8');
  const section = text.slice(text.indexOf('## A walk-through with curl'));
  const block = /```sh\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no sh block under "A walk-through with curl"');
  return block[1]!;
}

function bash(script: string, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-euo', 'pipefail', '-c', script], { cwd, timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let tessera: TesseraProcess;
const dirs: string[] = [];
beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-readme-data-'));
  dirs.push(dataDir);
  tessera = await startTessera({ TESSERA_DATABASE_URL: `sqlite:${dataDir}/tessera.db`, TESSERA_LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await tessera?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('README: a walk-through with curl', () => {
  it('runs as written, twice in a row, and prints what the README says it prints', async () => {
    const script = walkThrough();
    expect(script.split('\n').filter((line) => line === DEFAULT_URL_LINE)).toHaveLength(1);
    const shown = script.split('\n').filter((line) => line.startsWith('# ') && !/^# \d+\. /.test(line)).map((line) => line.slice(2));
    expect(shown).toContain('HTTP/1.1 401 Unauthorized');

    for (const round of [1, 2]) {
      const cwd = mkdtempSync(path.join(tmpdir(), 'tessera-readme-'));
      dirs.push(cwd);
      const result = await bash(script.replace(DEFAULT_URL_LINE, `URL=${tessera.url}`), cwd);
      expect(result.code, `round ${round}: ${result.stderr}`).toBe(0);
      const out = result.stdout.replace(/\r/g, '');
      // 1. signed up, 2. who am I, 3. refreshed: their JSON bodies.
      expect(out, `round ${round}`).toMatch(/^\{"user":\{"id":"[^"]+","email":"ann-\d+-\d+@example\.com"/);
      expect(out.match(/"accessToken":"/g), `round ${round}`).toHaveLength(2);
      expect(out).not.toMatch(/"error":"(?!invalid_token")/);
      for (const line of shown) expect(out.split('\n'), `round ${round}: ${out}`).toContain(line);
    }
  });
});
