// Test-only: runs the CLI in-process against a fresh data directory per test, capturing what it prints.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TEST_SECRET } from '@tessera/testing';
import { beforeEach } from 'vitest';
import { main } from '../src/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliHarness {
  /** This test's data directory (new before every test). */
  readonly dataDir: string;
  /** The environment the CLI sees; tests may change it before a run. */
  env: Record<string, string>;
  run(argv: string[], stdin?: string): Promise<CliRun>;
}

/** Registers a `beforeEach` that gives every test its own data directory and a strong TESSERA_SECRET. */
export function useCli(prefix: string): CliHarness {
  const harness = {
    dataDir: '',
    env: {} as Record<string, string>,
    async run(argv: string[], stdin = ''): Promise<CliRun> {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: harness.env, cwd: harness.dataDir, readStdin: async () => stdin });
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
  };
  beforeEach(() => {
    harness.dataDir = mkdtempSync(path.join(tmpdir(), prefix));
    harness.env = { TESSERA_DATA_DIR: harness.dataDir, TESSERA_SECRET: TEST_SECRET };
  });
  return harness;
}

/** The audit events a command wrote to standard error (JSON lines, as `tessera serve` writes them). */
export function auditEvents(stderr: string): Record<string, unknown>[] {
  return stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}
