import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { ARGON2_PARAMS, defaultPasswordWorkLimits, hashPassword, verifyPassword } from '@tessera/core';
import autocannon from 'autocannon';
import { hashPassword as peerHashPassword, verifyPassword as peerVerifyPassword } from 'better-auth/crypto';
import { cpuMs, medianOf, startServer as startTessera } from './http.js';
import { p99 } from './login-storm.js';
import { PEER_PROTECTED_PATH, type PeerSession } from './peer-app.js';
import { spawnListening } from './spawn-listening.js';

export interface PeerCheckRow {
  server: string;
  requestsPerSec: number;
  p99Ms: number;
  non2xx: number;
  /** This server's req/s / Tessera's, the median of the ratios within each round. */
  ratioToTessera: number;
  /** The server process's CPU time per request, µs; undefined where /proc is missing. */
  serverCpuUsPerRequest: number | undefined;
  /** Tessera's server CPU per request / this one's (above 1: this server does less work per request). */
  cpuRatioToTessera: number | undefined;
}

export interface PeerSignInRow {
  server: string;
  hashing: string;
  /** One password check alone, in the bench's own process with no load: the median of a few, ms. */
  oneVerifyMs: number;
  loginsPerSec: number;
  p99Ms: number;
  /** Sign-ins answered anything but 200, over every round. */
  failed: number;
  ratioToTessera: number;
}

const TARGET = fileURLToPath(new URL('./peer-target.js', import.meta.url));
const EMAIL = 'peer@example.test';
const PASSWORD = 'a benchmark password';
/** better-auth's defaults, from `@better-auth/utils` `password.node.ts`; it hashes with node:crypto scrypt. */
const BETTER_AUTH_HASHING = 'scrypt N=16384 r=16 p=1 (32 MiB), unbounded';

interface Target {
  server: string;
  url: string;
  child: ChildProcess;
  /** The request headers that authenticate, as each server's client sends them. */
  credentials: Record<string, string>;
}

function startPeer(session: PeerSession): Promise<{ url: string; child: ChildProcess }> {
  const env = { ...process.env, BETTER_AUTH_SECRET: randomBytes(32).toString('hex'), NODE_ENV: 'development' };
  return spawnListening([TARGET, session], env, `the better-auth target (${session})`);
}

async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status) throw new Error(`${what} answered ${response.status}: ${await response.text()}`);
  return response;
}

/** Runs `setup` against a freshly started server; stops the server if the setup fails, so no process is left behind. */
async function withServer<T>(child: ChildProcess, setup: () => Promise<T>): Promise<T> {
  try {
    return await setup();
  } catch (error) {
    await stop(child);
    throw error;
  }
}

async function tesseraTarget(): Promise<Target> {
  const { url, child } = await startTessera();
  return withServer(child, async () => {
    const signup = await fetch(`${url}/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD, transport: 'body' }),
    });
    const { accessToken } = (await (await expectStatus(signup, 201, 'Tessera signup')).json()) as { accessToken: string };
    return { server: 'Tessera (Bearer access token)', url, child, credentials: { authorization: `Bearer ${accessToken}` } };
  });
}

/** Signs up on a better-auth target and keeps the cookies it sets, as a browser would. */
async function peerTarget(session: PeerSession): Promise<Target> {
  const { url, child } = await startPeer(session);
  return withServer(child, async () => {
    const signup = await fetch(`${url}/api/auth/sign-up/email`, {
      method: 'POST',
      // better-auth refuses a fetch() without Origin (its CSRF check); a browser on the app's own origin sends it.
      headers: { 'content-type': 'application/json', origin: url },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD, name: 'bench' }),
    });
    await expectStatus(signup, 200, 'better-auth sign-up');
    const cookie = signup.headers.getSetCookie().map((line) => line.split(';')[0]!).join('; ');
    const server = session === 'database' ? 'better-auth (session cookie, default)' : 'better-auth (cookie cache on)';
    return { server, url, child, credentials: { cookie } };
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

interface Run {
  result: autocannon.Result;
  cpuUs: number | undefined;
}

async function checkLoad(target: Target, path: string, seconds: number): Promise<Run> {
  const before = cpuMs(target.child.pid);
  const result = await autocannon({ url: `${target.url}${path}`, headers: target.credentials, connections: 50, pipelining: 1, duration: seconds });
  const after = cpuMs(target.child.pid);
  const cpuUs = before === undefined || after === undefined || result.requests.total === 0 ? undefined : ((after - before) * 1000) / result.requests.total;
  return { result, cpuUs };
}

/** Keeps `inFlight` sign-ins running at all times for `seconds`; returns their latencies and outcomes. */
async function signInLoad(url: string, path: string, body: object, inFlight: number, seconds: number): Promise<{ ok: number; failed: number; latencies: number[] }> {
  const outcome = { ok: 0, failed: 0, latencies: [] as number[] };
  const until = Date.now() + seconds * 1000;
  const worker = async () => {
    while (Date.now() < until) {
      const started = performance.now();
      const response = await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify(body) });
      await response.arrayBuffer();
      outcome.latencies.push(performance.now() - started);
      if (response.status === 200) outcome.ok += 1;
      else outcome.failed += 1;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return outcome;
}

/** The median time of one password check by `verify`, run alone `times` times; it must accept the password. */
async function oneVerifyMs(verify: () => Promise<boolean>, times = 9): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i += 1) {
    const started = performance.now();
    if (!(await verify())) throw new Error('a password check refused the right password');
    samples.push(performance.now() - started);
  }
  return medianOf(samples);
}

/**
 * The session check a protected route does on each server, same load (autocannon, 50 connections), in rounds
 * where every server runs once back to back: Tessera's `GET /api/number` with a Bearer access token on
 * `tessera serve`, and the same route on better-auth calling `auth.api.getSession` with its session cookie,
 * once with its defaults (a database read per check) and once with its cookie cache on. A shared 2-core VM
 * drifts by ±10% over a minute, so each ratio is the median of the ratios within a round (which share the
 * drift); the order rotates each round so no server always runs first.
 */
export async function runPeerCheckBench(options: { seconds?: number; rounds?: number } = {}): Promise<PeerCheckRow[]> {
  const seconds = options.seconds ?? 3;
  const rounds = options.rounds ?? 9;
  const targets: Target[] = [];
  try {
    targets.push(await tesseraTarget());
    targets.push(await peerTarget('database'));
    targets.push(await peerTarget('cookie-cache'));
    for (const target of targets) await checkLoad(target, PEER_PROTECTED_PATH, 2); // warm-up: JIT, connection pools
    const runs = targets.map((): Run[] => []);
    const ratios = targets.map((): number[] => []);
    const cpuRatios = targets.map((): number[] => []);
    for (let round = 0; round < rounds; round += 1) {
      for (let step = 0; step < targets.length; step += 1) {
        const index = (round + step) % targets.length;
        runs[index]!.push(await checkLoad(targets[index]!, PEER_PROTECTED_PATH, seconds));
      }
      const tessera = runs[0]![round]!;
      const line = targets.map((target, index) => {
        const run = runs[index]![round]!;
        ratios[index]!.push(run.result.requests.average / tessera.result.requests.average);
        if (run.cpuUs !== undefined && tessera.cpuUs !== undefined) cpuRatios[index]!.push(tessera.cpuUs / run.cpuUs);
        return `${target.server} ${Math.round(run.result.requests.average)} req/s`;
      });
      // Every round is printed: the spread is part of the result on a shared machine.
      console.log(`  round ${round + 1}: ${line.join(', ')}`);
    }
    return targets.map((target, index) => {
      const results = runs[index]!.map((run) => run.result);
      const middle = [...results].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(results.length / 2)]!;
      const cpu = runs[index]!.flatMap((run) => (run.cpuUs === undefined ? [] : [run.cpuUs]));
      return {
        server: target.server,
        requestsPerSec: Math.round(middle.requests.average),
        p99Ms: middle.latency.p99,
        // Every run counts, so one round of refusals (an expired session, a crash) cannot hide behind the median.
        non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
        ratioToTessera: medianOf(ratios[index]!),
        serverCpuUsPerRequest: cpu.length === 0 ? undefined : medianOf(cpu),
        cpuRatioToTessera: cpuRatios[index]!.length === 0 ? undefined : medianOf(cpuRatios[index]!),
      };
    });
  } finally {
    await Promise.all(targets.map((target) => stop(target.child)));
  }
}

/**
 * Email and password sign-in on each server with `inFlight` sign-ins running at all times, in alternating
 * rounds: Tessera's `POST /auth/login` against better-auth's `POST /api/auth/sign-in/email`. Both hash the
 * password and create a session; the hashing differs (argon2id, bounded by Tessera's password-work queue, vs
 * scrypt, unbounded), so the rows name their parameters and the ratio is read with them.
 */
export async function runPeerSignInBench(options: { seconds?: number; rounds?: number; inFlight?: number } = {}): Promise<PeerSignInRow[]> {
  const seconds = options.seconds ?? 5;
  const rounds = options.rounds ?? 5;
  const inFlight = options.inFlight ?? 8;
  const targets: Target[] = [];
  try {
    targets.push(await tesseraTarget());
    targets.push(await peerTarget('database'));
    const [tessera, peer] = targets as [Target, Target];
    const { memoryCost, timeCost, parallelism } = ARGON2_PARAMS;
    const signIns = [
      {
        server: 'Tessera',
        hashing: `argon2id m=${memoryCost / 1024} MiB t=${timeCost} p=${parallelism}, ${defaultPasswordWorkLimits().concurrency} at a time`,
        target: tessera,
        path: '/auth/login',
        body: { email: EMAIL, password: PASSWORD, transport: 'body' },
      },
      { server: 'better-auth', hashing: BETTER_AUTH_HASHING, target: peer, path: '/api/auth/sign-in/email', body: { email: EMAIL, password: PASSWORD } },
    ];
    for (const signIn of signIns) await signInLoad(signIn.target.url, signIn.path, signIn.body, inFlight, 1); // warm-up
    const outcomes = signIns.map((): Awaited<ReturnType<typeof signInLoad>>[] => []);
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      for (let step = 0; step < signIns.length; step += 1) {
        const index = (round + step) % signIns.length;
        const signIn = signIns[index]!;
        outcomes[index]!.push(await signInLoad(signIn.target.url, signIn.path, signIn.body, inFlight, seconds));
      }
      const [ours, theirs] = [outcomes[0]![round]!, outcomes[1]![round]!];
      ratios.push(theirs.ok / Math.max(ours.ok, 1));
      console.log(`  round ${round + 1}: Tessera ${(ours.ok / seconds).toFixed(1)} logins/s, better-auth ${(theirs.ok / seconds).toFixed(1)} logins/s`);
    }
    // Each library's own hash and check, alone: how much of the sign-in ratio is the hashing's cost.
    const tesseraHash = await hashPassword(PASSWORD);
    const peerHash = await peerHashPassword(PASSWORD);
    const verifyMs = [
      await oneVerifyMs(() => verifyPassword(tesseraHash, PASSWORD)),
      await oneVerifyMs(() => peerVerifyPassword({ hash: peerHash, password: PASSWORD })),
    ];
    return signIns.map((signIn, index) => ({
      server: signIn.server,
      hashing: signIn.hashing,
      oneVerifyMs: verifyMs[index]!,
      loginsPerSec: medianOf(outcomes[index]!.map((outcome) => outcome.ok / seconds)),
      p99Ms: medianOf(outcomes[index]!.map((outcome) => p99(outcome.latencies))),
      failed: outcomes[index]!.reduce((sum, outcome) => sum + outcome.failed, 0),
      ratioToTessera: index === 0 ? 1 : medianOf(ratios),
    }));
  } finally {
    await Promise.all(targets.map((target) => stop(target.child)));
  }
}
