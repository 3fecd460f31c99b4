import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnListening } from './spawn-listening.js';

export interface HttpRow {
  route: string;
  requestsPerSec: number;
  p99Ms: number;
  non2xx: number;
  ratioToUnguarded: number;
  /** The server process's CPU time (user + system) per request, µs; undefined where /proc is missing. */
  serverCpuUsPerRequest: number | undefined;
  /** Unguarded CPU per request / this route's: what the route costs the server, without the client's share. */
  cpuRatioToUnguarded: number | undefined;
}

const CLI = fileURLToPath(new URL('../../packages/cli/dist/bin.js', import.meta.url));

/** Starts `tessera serve` in its own process on an in-memory SQLite store, rate limits off. */
export function startServer(): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-bench-'));
  const env = { ...process.env, PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_RATE_LIMIT: 'off', NODE_ENV: 'development' };
  return spawnListening([CLI, 'serve'], env, 'tessera serve');
}

function load(url: string, headers: Record<string, string>, seconds: number): Promise<autocannon.Result> {
  return autocannon({ url, headers, connections: 50, pipelining: 1, duration: seconds });
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux; ticks are 1/100 s there). */
export function cpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

interface Run {
  result: autocannon.Result;
  /** Server CPU per completed request, µs. */
  cpuUs: number | undefined;
}

/** One load run, with the server's CPU time per request measured around it. */
async function measuredLoad(pid: number | undefined, url: string, headers: Record<string, string>, seconds: number): Promise<Run> {
  const before = cpuMs(pid);
  const result = await load(url, headers, seconds);
  const after = cpuMs(pid);
  const cpuUs = before === undefined || after === undefined || result.requests.total === 0 ? undefined : ((after - before) * 1000) / result.requests.total;
  return { result, cpuUs };
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
    // The load generator shares the machine, so req/s also carries its cost of sending the bearer header; the
    // server's own CPU time per request, taken around each run, is the guard's cost alone.
    const unguardedRuns: Run[] = [];
    const guardedRuns: Run[] = [];
    const ratios: number[] = [];
    const cpuRatios: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const unguarded = await measuredLoad(child.pid, `${url}/healthz`, {}, seconds);
      const guarded = await measuredLoad(child.pid, `${url}/api/number`, bearer, seconds);
      unguardedRuns.push(unguarded);
      guardedRuns.push(guarded);
      const ratio = guarded.result.requests.average / unguarded.result.requests.average;
      ratios.push(ratio);
      const cpuRatio = unguarded.cpuUs === undefined || guarded.cpuUs === undefined ? undefined : unguarded.cpuUs / guarded.cpuUs;
      if (cpuRatio !== undefined) cpuRatios.push(cpuRatio);
      // Every pair is printed: the spread is part of the result on a shared machine.
      const cpu = cpuRatio === undefined ? '' : `; server CPU ${unguarded.cpuUs!.toFixed(1)} vs ${guarded.cpuUs!.toFixed(1)} µs/request (${cpuRatio.toFixed(2)}×)`;
      console.log(`  round ${round + 1}: unguarded ${Math.round(unguarded.result.requests.average)} req/s, guarded ${Math.round(guarded.result.requests.average)} req/s (${ratio.toFixed(2)}×)${cpu}`);
    }
    // non2xx counts every run, so one round of refusals (an expired token, a crash) cannot hide behind the median.
    const row = (route: string, runs: Run[], ratioToUnguarded: number, cpuRatioToUnguarded: number | undefined): HttpRow => {
      const results = runs.map((run) => run.result);
      const cpu = runs.flatMap((run) => (run.cpuUs === undefined ? [] : [run.cpuUs]));
      return {
        route,
        requestsPerSec: Math.round(median(results).requests.average),
        p99Ms: median(results).latency.p99,
        non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
        ratioToUnguarded,
        serverCpuUsPerRequest: cpu.length === 0 ? undefined : medianOf(cpu),
        cpuRatioToUnguarded,
      };
    };
    const cpuRatio = cpuRatios.length === 0 ? undefined : medianOf(cpuRatios);
    return [
      row('GET /healthz (unguarded)', unguardedRuns, 1, cpuRatio === undefined ? undefined : 1),
      row('GET /api/number (guarded)', guardedRuns, medianOf(ratios), cpuRatio),
    ];
  } finally {
    child.kill('SIGTERM');
  }
}

export function medianOf(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function median(results: autocannon.Result[]): autocannon.Result {
  return [...results].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(results.length / 2)]!;
}
