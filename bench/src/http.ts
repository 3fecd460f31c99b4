import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export interface HttpRow {
  route: string;
  requestsPerSec: number;
  p99Ms: number;
  non2xx: number;
  ratioToUnguarded: number;
}

const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

/** Starts `tessera serve` in its own process, so the load generator does not steal the server's event loop. */
async function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-'));
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_RATE_LIMIT: 'off', NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`tessera serve exited with ${code}`)));
  });
  return { url, child };
}

function load(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections: 50, pipelining: 1, duration: seconds });
}

/**
 * The guarded demo route (`GET /api/number`: Bearer verification, then a tiny JSON body) against the unguarded
 * `GET /healthz` on the same server, same load, one after the other. The ratio is the cost of the guard.
 */
export async function runHttpBench(options: { seconds?: number; rounds?: number } = {}): Promise<HttpRow[]> {
  const seconds = options.seconds ?? 3;
  const rounds = options.rounds ?? 9;
  const { url, child } = await startServer();
  try {
    const signup = await fetch(`${url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.test', password: 'a benchmark password', transport: 'body' }),
    });
    const { accessToken } = (await signup.json()) as { accessToken: string };
    const bearer = { authorization: `Bearer ${accessToken}` };
    await load(`${url}/healthz`, {}, 2); // warm-up: JIT, connection pools
    await load(`${url}/api/number`, bearer, 2);
    // Alternating rounds: a shared 2-core VM drifts by ±10% over a minute, so the ratio is the median of the
    // ratios within each back-to-back pair (which share the drift), and each route's req/s the median of its runs.
    const unguardedRuns: autocannon.Result[] = [];
    const guardedRuns: autocannon.Result[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const unguardedRun = await load(`${url}/healthz`, {}, seconds);
      const guardedRun = await load(`${url}/api/number`, bearer, seconds);
      unguardedRuns.push(unguardedRun);
      guardedRuns.push(guardedRun);
      ratios.push(guardedRun.requests.average / unguardedRun.requests.average);
      // Every pair is printed: the spread is part of the result on a shared machine.
      console.log(`  round ${round + 1}: unguarded ${Math.round(unguardedRun.requests.average)} req/s, guarded ${Math.round(guardedRun.requests.average)} req/s (${(guardedRun.requests.average / unguardedRun.requests.average).toFixed(2)}×)`);
    }
    // non2xx counts every run, so one round of refusals (an expired token, a crash) cannot hide behind the median.
    const row = (route: string, runs: autocannon.Result[], ratioToUnguarded: number): HttpRow => ({
      route,
      requestsPerSec: Math.round(median(runs).requests.average),
      p99Ms: median(runs).latency.p99,
      non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
      ratioToUnguarded,
    });
    return [row('GET /healthz (unguarded)', unguardedRuns, 1), row('GET /api/number (guarded)', guardedRuns, medianOf(ratios))];
  } finally {
    child.kill('SIGTERM');
  }
}

function medianOf(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function median(results: autocannon.Result[]): autocannon.Result {
  return [...results].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(results.length / 2)]!;
}
