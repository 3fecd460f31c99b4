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
  const seconds = options.seconds ?? 4;
  const rounds = options.rounds ?? 5;
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
    // Alternating rounds, median of each: a shared 2-core VM drifts by ±10% over a minute, which a single
    // back-to-back pair turns straight into the ratio.
    const unguardedRuns: autocannon.Result[] = [];
    const guardedRuns: autocannon.Result[] = [];
    for (let round = 0; round < rounds; round += 1) {
      unguardedRuns.push(await load(`${url}/healthz`, {}, seconds));
      guardedRuns.push(await load(`${url}/api/number`, bearer, seconds));
    }
    const unguarded = median(unguardedRuns);
    const guarded = median(guardedRuns);
    const row = (route: string, result: autocannon.Result): HttpRow => ({
      route,
      requestsPerSec: Math.round(result.requests.average),
      p99Ms: result.latency.p99,
      non2xx: result.non2xx,
      ratioToUnguarded: result.requests.average / unguarded.requests.average,
    });
    return [row('GET /healthz (unguarded)', unguarded), row('GET /api/number (guarded)', guarded)];
  } finally {
    child.kill('SIGTERM');
  }
}

function median(results: autocannon.Result[]): autocannon.Result {
  return [...results].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(results.length / 2)]!;
}
