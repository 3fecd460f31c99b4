import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { spawnListening } from './spawn-listening.js';

export interface StormRow {
  hashing: 'bounded' | 'unbounded';
  calmP99Ms: number;
  stormP99Ms: number;
  /** Guarded p99 under the storm / in calm: the target is ≤ 3. */
  p99Ratio: number;
  calmRequestsPerSec: number;
  stormRequestsPerSec: number;
  loginsPerSec: number;
  /** Logins answered 503 (queue full) per second: the storm refused rather than queued. */
  refusedPerSec: number;
  loginP99Ms: number;
  /** Mean and longest wait for a hashing turn, from the server's own queue. */
  queueWaitMeanMs: number | undefined;
  queueWaitMaxMs: number | undefined;
}

const SERVER = fileURLToPath(new URL('./storm-server.js', import.meta.url));
const PASSWORD = 'a benchmark password';

function startServer(hashing: StormRow['hashing']): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-storm-'));
  const env = { ...process.env, PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_DATABASE_URL: 'sqlite::memory:', TESSERA_RATE_LIMIT: 'off', NODE_ENV: 'development' };
  return spawnListening([SERVER, hashing], env, 'the storm server');
}

function guardedLoad(url: string, accessToken: string, seconds: number): Promise<autocannon.Result> {
  // A steady, moderate load: latency, not throughput, is what a storm hurts.
  return autocannon({ url: `${url}/api/number`, headers: { authorization: `Bearer ${accessToken}` }, connections: 10, duration: seconds });
}

/** Keeps `inFlight` logins running at all times until `until`; returns their latencies and outcomes. */
async function loginStorm(url: string, inFlight: number, until: number): Promise<{ ok: number; refused: number; other: number; latencies: number[] }> {
  const outcome = { ok: 0, refused: 0, other: 0, latencies: [] as number[] };
  const worker = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      const response = await fetch(`${url}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'storm@example.test', password: PASSWORD, transport: 'body' }),
      });
      await response.arrayBuffer();
      outcome.latencies.push(performance.now() - started);
      if (response.status === 200) outcome.ok += 1;
      else if (response.status === 503) {
        outcome.refused += 1;
        // A client honouring Retry-After would wait a second; the storm keeps the pressure on instead, briefly.
        await new Promise((resolve) => setTimeout(resolve, 20));
      } else outcome.other += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return outcome;
}

async function queueStats(child: ChildProcess): Promise<{ completed: number; waitedMs: number; maxWaitMs: number } | undefined> {
  if (child.pid === undefined) return undefined;
  const line = new Promise<string>((resolve) => {
    const onData = (chunk: Buffer) => {
      const match = /stats (\{.*\})/.exec(chunk.toString());
      if (match) {
        child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
  });
  process.kill(child.pid, 'SIGUSR2');
  const timeout = new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000));
  const text = await Promise.race([line, timeout]);
  return text === undefined ? undefined : (JSON.parse(text) as { completed: number; waitedMs: number; maxWaitMs: number });
}

export const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)] ?? 0;

/**
 * A guarded route's p99 in calm, then while `inFlight` logins run at all times (the storm), on one server;
 * once with the password work bounded (the default) and once unbounded, to show what the bound buys.
 */
export async function runLoginStormBench(options: { seconds?: number; inFlight?: number } = {}): Promise<StormRow[]> {
  const seconds = options.seconds ?? 5;
  const inFlight = options.inFlight ?? 16;
  const rows: StormRow[] = [];
  for (const hashing of ['bounded', 'unbounded'] as const) {
    const { url, child } = await startServer(hashing);
    try {
      const signup = await fetch(`${url}/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'storm@example.test', password: PASSWORD, transport: 'body' }),
      });
      const { accessToken } = (await signup.json()) as { accessToken: string };
      await guardedLoad(url, accessToken, 1); // warm-up
      const calm = await guardedLoad(url, accessToken, seconds);
      const stormEnds = Date.now() + seconds * 1000;
      const [stormed, logins] = await Promise.all([guardedLoad(url, accessToken, seconds), loginStorm(url, inFlight, stormEnds)]);
      const stats = await queueStats(child);
      rows.push({
        hashing,
        calmP99Ms: calm.latency.p99,
        stormP99Ms: stormed.latency.p99,
        p99Ratio: stormed.latency.p99 / Math.max(calm.latency.p99, 1),
        calmRequestsPerSec: Math.round(calm.requests.average),
        stormRequestsPerSec: Math.round(stormed.requests.average),
        loginsPerSec: logins.ok / seconds,
        refusedPerSec: logins.refused / seconds,
        loginP99Ms: p99(logins.latencies),
        queueWaitMeanMs: stats && stats.completed > 0 ? stats.waitedMs / stats.completed : undefined,
        queueWaitMaxMs: stats?.maxWaitMs,
      });
      if (logins.other > 0) console.log(`  ${hashing}: ${logins.other} logins answered neither 200 nor 503`);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
  return rows;
}
