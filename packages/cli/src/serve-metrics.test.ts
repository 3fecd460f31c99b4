import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_SECRET } from '@tessera/testing';
import { main } from './main.js';

async function serve(extra: Record<string, string>) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-cli-metrics-'));
  const err: string[] = [];
  const env = { PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_SECRET: TEST_SECRET, ...extra };
  const code = await main(['serve'], { out: () => {}, err: (line) => err.push(line), env, cwd: dataDir, readStdin: async () => '' });
  return { code, err };
}

describe('tessera serve with a metrics mistake', () => {
  it.each([
    [{ TESSERA_METRICS_PORT: 'abc' }, 'tessera: TESSERA_METRICS_PORT="abc" is not a port number; use 1 to 65535 (0 picks a free port).'],
    [{ TESSERA_METRICS_HOST: '0.0.0.0' }, 'tessera: TESSERA_METRICS_HOST is set without TESSERA_METRICS_PORT; set the port of the metrics listener too, or unset TESSERA_METRICS_HOST.'],
    [{ TESSERA_METRICS_TOKEN: 'letmein' }, 'tessera: TESSERA_METRICS_TOKEN must be at least 32 printable characters without spaces; generate one with "npx tessera secret".'],
  ])('%o: exits 1 before listening, with one sentence naming the variable', async (env, sentence) => {
    const result = await serve(env);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([sentence]);
  });
});
