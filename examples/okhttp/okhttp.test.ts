// The OkHttp example against a real `tessera serve`: the Java program runs each scenario and prints one JSON
// line per step; the server's audit log (JSON lines on its stdout) is its own record of every refresh.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireBuiltCli, startTessera, type TesseraProcess } from '../../e2e/processes.testkit.js';

const RUN = fileURLToPath(new URL('./run.sh', import.meta.url));
const JAVA_DIR = process.env.OKHTTP_JARS ?? '/usr/share/java';
const JARS = ['okhttp.jar', 'okio.jar'].map((jar) => path.join(JAVA_DIR, jar));

/**
 * Whether a JDK and Debian's OkHttp are here. Without them: ONE loud line and the suite skips, unless `CI` is
 * set, where a silent skip would prove nothing; then the file fails.
 */
function javaAvailable(): boolean {
  const missing: string[] = [];
  if (spawnSync('javac', ['-version'], { stdio: 'ignore' }).status !== 0) missing.push('javac (apt-get install default-jdk-headless)');
  const missingJars = JARS.filter((jar) => !existsSync(jar));
  if (missingJars.length > 0) missing.push(`${missingJars.join(' and ')} (apt-get install libokhttp-java)`);
  if (missing.length === 0) return true;
  const line = `the OkHttp example needs ${missing.join(' and ')}`;
  if (process.env.CI) throw new Error(`${line} — CI is set, so the OkHttp example fails instead of skipping.`);
  console.warn(`⚠️  SKIPPING the OkHttp example: ${line}.`);
  return false;
}

type Line = Record<string, unknown> & { step: string };
type AuditEvent = Record<string, unknown> & { type: string };

describe.skipIf(!javaAvailable())('OkHttp Authenticator example (Java, native body transport)', () => {
  let tessera: TesseraProcess;
  let dataDir: string;
  let buildDir: string;
  const javaEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), OKHTTP_JARS: JAVA_DIR, OKHTTP_EXAMPLE_BUILD: buildDir });

  beforeAll(async () => {
    requireBuiltCli();
    dataDir = mkdtempSync(path.join(tmpdir(), 'tessera-okhttp-'));
    buildDir = mkdtempSync(path.join(tmpdir(), 'tessera-okhttp-classes-'));
    // Compiled once here (run.sh compiles when the classes are missing; with no scenario it prints its usage).
    const compiled = spawnSync(RUN, [], { env: javaEnv(), encoding: 'utf8', timeout: 120_000 });
    expect(compiled.stderr).toMatch(/^usage: Demo <locked\|naive\|revoked>/);
    expect(existsSync(path.join(buildDir, 'tessera', 'okhttp', 'Demo.class'))).toBe(true);
    // A 2-second access token and no clock tolerance, so "let it expire" takes seconds; no rate limits for
    // bursts of refreshes from one address.
    tessera = await startTessera({
      TESSERA_DATA_DIR: dataDir,
      TESSERA_DATABASE_URL: `sqlite:${dataDir}/tessera.db`,
      TESSERA_ACCESS_TTL: '2s',
      TESSERA_CLOCK_TOLERANCE: '0s',
      TESSERA_RATE_LIMIT: 'off',
    });
  }, 180_000);

  afterAll(async () => {
    await tessera?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(buildDir, { recursive: true, force: true });
  });

  /** Runs one scenario of the Java program to its end and returns its lines by step. */
  function runScenario(scenario: string): Promise<Map<string, Line>> {
    return new Promise((resolve, reject) => {
      execFile(RUN, [scenario, tessera.url, '--tolerance', '0'], { env: javaEnv(), timeout: 90_000 }, (error, stdout) => {
        if (error) return reject(new Error(`run.sh ${scenario} failed: ${error.message}\n${stdout}`));
        const lines = stdout.trim().split('\n').map((text) => JSON.parse(text) as Line);
        resolve(new Map(lines.map((line) => [line.step, line])));
      });
    });
  }

  const step = (lines: Map<string, Line>, name: string): Line => {
    const line = lines.get(name);
    if (line === undefined) throw new Error(`no "${name}" line in ${JSON.stringify([...lines.values()])}`);
    return line;
  };

  /** The server's audit events for one session, once its `untilType` event has been written. */
  async function auditOf(sessionId: string, untilType: string): Promise<AuditEvent[]> {
    const read = () =>
      tessera.stdout().split('\n').filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as AuditEvent)
        .filter((event) => event.sessionId === sessionId);
    // The program has exited, but the last lines may still be in the pipe from the server.
    await vi.waitFor(() => expect(read().map((event) => event.type)).toContain(untilType), { timeout: 5_000 });
    return read();
  }

  it('synchronised Authenticator: one refresh and one retry after expiry, one refresh for 8 threads, no refresh after logout', async () => {
    const lines = await runScenario('locked');
    const signup = step(lines, 'signup');
    expect(signup).toMatchObject({ status: 201 });
    expect(step(lines, 'call')).toMatchObject({ status: 200, attempts: 1, refreshes: 0 });
    expect(step(lines, 'call').number).toBeGreaterThanOrEqual(1);
    expect(step(lines, 'call_after_expiry')).toMatchObject({ status: 200, attempts: 2, refreshes: 1, signedIn: true });

    const burst = step(lines, 'burst');
    expect(burst).toMatchObject({ threads: 8, succeeded: 8, refreshes: 1, signedIn: true });
    expect(burst.statuses).toEqual(Array(8).fill(200));
    // Each call was retried at most once; a thread that waited on the lock retried with the new token.
    for (const attempts of burst.attempts as number[]) expect(attempts).toBeLessThanOrEqual(2);

    expect(step(lines, 'logout')).toMatchObject({ status: 204 });
    expect(step(lines, 'call_after_logout')).toMatchObject({ status: 401, error: 'invalid_token', attempts: 1, refreshes: 0, signedIn: false });

    // The server counts the same: two rotations in all, none of them a grace answer, no reuse.
    const events = await auditOf(signup.sessionId as string, 'logout');
    const refreshes = events.filter((event) => event.type === 'refresh');
    expect(refreshes.map((event) => event.grace)).toEqual([false, false]);
    expect(events.filter((event) => event.type === 'reuse_detected')).toEqual([]);
  }, 120_000);

  it('lock-free Authenticator of the Android posts: 8 threads refreshing at once all succeed and the session stays alive', async () => {
    const lines = await runScenario('naive');
    const signup = step(lines, 'signup');
    const burst = step(lines, 'burst');
    expect(burst).toMatchObject({ threads: 8, succeeded: 8, signedIn: true });
    expect(burst.statuses).toEqual(Array(8).fill(200));
    // Whatever refresh token the last thread stored still works, and so does the access token it brings.
    expect(step(lines, 'session_alive')).toMatchObject({ refreshStatus: 200, refreshError: null, callStatus: 200 });
    expect(step(lines, 'logout')).toMatchObject({ status: 204 });

    const events = await auditOf(signup.sessionId as string, 'logout');
    expect(events.filter((event) => event.type === 'reuse_detected')).toEqual([]);
    // Every refresh the threads sent was answered (plus the one after the burst): none was taken for theft.
    expect(events.filter((event) => event.type === 'refresh')).toHaveLength((burst.refreshes as number) + 1);
  }, 120_000);

  it('a session ended elsewhere: no refresh on invalid_token, one refresh on token_expired, then invalid_grant signs out without a loop', async () => {
    const lines = await runScenario('revoked');
    const signup = step(lines, 'signup');
    expect(step(lines, 'logout_everywhere')).toMatchObject({ loginStatus: 200, status: 204 });
    // Revoked, not expired: refreshing could not help, so the Authenticator does not try.
    expect(step(lines, 'call_after_revocation')).toMatchObject({ status: 401, error: 'invalid_token', attempts: 1, refreshes: 0, signedIn: true });
    // Expired: one refresh, refused as invalid_grant; the tokens are forgotten and the 401 goes to the caller.
    expect(step(lines, 'call_after_expiry')).toMatchObject({
      status: 401, error: 'token_expired', attempts: 1, refreshes: 1, refreshError: 'invalid_grant', signedIn: false,
    });
    expect(step(lines, 'call_again')).toMatchObject({ status: 401, attempts: 1, refreshes: 0, signedIn: false });

    // The server saw exactly one refresh of the ended session, refused (and audited): no retry loop.
    const events = await auditOf(signup.sessionId as string, 'signup');
    expect(events.map((event) => event.type)).toEqual(['signup', 'refresh_failed']);
  }, 120_000);
});
