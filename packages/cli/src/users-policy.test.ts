import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { TEST_SECRET } from '@tessera/testing';

async function run(argv: string[], stdin: string, dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-cli-policy-'))) {
  const env = { TESSERA_DATA_DIR: dataDir, TESSERA_SECRET: TEST_SECRET };
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: dataDir, readStdin: async () => stdin });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('tessera users create applies the password policy', () => {
  it('refuses one of the most common passwords, saying why, in one line', async () => {
    const result = await run(['users', 'create', '--email', 'ann@example.test', '--password-stdin'], 'iloveyou\n');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/most common passwords/);
    expect(result.err.split('\n')).toHaveLength(1);
  });

  it('refuses the email address as the password', async () => {
    const result = await run(['users', 'create', '--email', 'annabelle@example.test', '--password-stdin'], 'Annabelle@Example.test\n');
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/email address/);
  });
});

describe('tessera users create and sessions list use the email normal form', () => {
  it('makes no twin of an existing account and finds the account under any spelling', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-cli-email-'));
    const created = await run(['users', 'create', '--email', 'ＡＮＮ@Example.test.', '--password-stdin'], 'correct horse battery\n', dataDir);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({ email: 'ann@example.test' });
    const twin = await run(['users', 'create', '--email', 'ann@example.test', '--password-stdin'], 'correct horse battery\n', dataDir);
    expect(twin.code).toBe(1);
    expect(twin.err).toMatch(/already exists/);
    const invisible = await run(['users', 'create', '--email', 'an\u200bn@example.test', '--password-stdin'], 'correct horse battery\n', dataDir);
    expect(invisible.code).toBe(1);
    expect(invisible.err).toMatch(/invisible or formatting character/);
    const sessions = await run(['sessions', 'list', 'ａｎｎ@EXAMPLE.test'], '', dataDir);
    expect(sessions).toMatchObject({ code: 0, out: 'ann@example.test has no live sessions.' });
  });
});
