// The OkHttp example against a real `tessera serve`: the Java program runs each scenario and prints one JSON
// line per step; the server's audit log (JSON lines on its stdout) is its own record of every refresh.
import { execFile, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDpopNonces, createDpopProofVerifier, createMemoryReplayCache, TesseraError } from '@tessera/core';
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

/**
 * A 2-second access token and no clock tolerance, so "let it expire" takes seconds; no rate limits for bursts of
 * refreshes from one address.
 */
/**
 * Whether the server wants a nonce in DPoP proofs (RFC 9449 section 8): a refresh with a nonce-less proof (and a
 * made-up token) is refused as use_dpop_nonce with a DPoP-Nonce header, rather than as invalid_grant.
 */
async function asksForNonce(baseUrl: string): Promise<boolean> {
  const url = `${baseUrl}/auth/refresh`;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } })}.${encode({ jti: randomUUID(), htm: 'POST', htu: url, iat: Math.floor(Date.now() / 1000) })}`;
  const proof = `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', dpop: proof }, body: JSON.stringify({ refreshToken: 'probe' }) });
  const body = (await response.json()) as { error?: string };
  return body.error === 'use_dpop_nonce' && response.headers.has('dpop-nonce');
}

const serverEnv = (dataDir: string): Record<string, string> => ({
  TESSERA_DATA_DIR: dataDir,
  TESSERA_DATABASE_URL: `sqlite:${dataDir}/tessera.db`,
  TESSERA_ACCESS_TTL: '2s',
  TESSERA_CLOCK_TOLERANCE: '0s',
  TESSERA_RATE_LIMIT: 'off',
});
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
    expect(compiled.stderr).toMatch(/^usage: Demo <locked\|naive\|revoked\|dpop>/);
    expect(existsSync(path.join(buildDir, 'tessera', 'okhttp', 'Demo.class'))).toBe(true);
    tessera = await startTessera(serverEnv(dataDir));
  }, 180_000);

  afterAll(async () => {
    await tessera?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(buildDir, { recursive: true, force: true });
  });

  /** Runs one scenario of the Java program to its end and returns its lines by step. */
  function runScenario(scenario: string, options: { dpop?: boolean; server?: TesseraProcess } = {}): Promise<Map<string, Line>> {
    const args = [scenario, (options.server ?? tessera).url, '--tolerance', '0', ...(options.dpop ? ['--dpop'] : [])];
    return new Promise((resolve, reject) => {
      execFile(RUN, args, { env: javaEnv(), timeout: 90_000 }, (error, stdout) => {
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
  async function auditOf(sessionId: string, untilType: string, server = tessera): Promise<AuditEvent[]> {
    const read = () =>
      server.stdout().split('\n').filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as AuditEvent)
        .filter((event) => event.sessionId === sessionId);
    // The program has exited, but the last lines may still be in the pipe from the server.
    await vi.waitFor(() => expect(read().map((event) => event.type)).toContain(untilType), { timeout: 5_000 });
    return read();
  }

  /** The `locked` scenario, with bearer or DPoP-bound sessions: the same steps, the same counts. */
  async function checkLocked(tokenType: 'Bearer' | 'DPoP'): Promise<void> {
    const lines = await runScenario('locked', { dpop: tokenType === 'DPoP' });
    const signup = step(lines, 'signup');
    expect(signup).toMatchObject({ status: 201, tokenType });
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
    expect(events.filter((event) => event.type === 'reuse_detected' || event.type === 'stolen_token_detected')).toEqual([]);
  }

  it('synchronised Authenticator: one refresh and one retry after expiry, one refresh for 8 threads, no refresh after logout', async () => {
    await checkLocked('Bearer');
  }, 120_000);

  it('the same with a DPoP-bound session: every attempt, the retries of the 8 threads included, carries a new proof', async () => {
    // A retry that reused its first attempt's proof would be refused as a replay, and the burst would not be 8 × 200.
    await checkLocked('DPoP');
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
  it('DPoP: a thief with copies of both tokens but another key is refused, its refresh ends the session, the device logs in again', async () => {
    const lines = await runScenario('dpop');
    const signup = step(lines, 'signup');
    // Bound, to the key the program holds: the access token's cnf.jkt is the thumbprint the Java code computes.
    expect(signup).toMatchObject({ status: 201, tokenType: 'DPoP', boundToThisKey: true });
    expect(step(lines, 'call')).toMatchObject({ status: 200, attempts: 1, refreshes: 0 });
    expect(step(lines, 'call_after_expiry')).toMatchObject({ status: 200, attempts: 2, refreshes: 1, signedIn: true, tokenType: 'DPoP' });

    // The thief: the copied access token as Bearer (a downgrade), then as DPoP with its own key's proof.
    expect(step(lines, 'thief_call_bearer')).toMatchObject({ status: 401, error: 'invalid_token', challengeScheme: 'DPoP' });
    expect(step(lines, 'thief_call_dpop')).toMatchObject({ status: 401, error: 'invalid_dpop_proof', challengeScheme: 'DPoP' });
    expect(step(lines, 'thief_refresh')).toMatchObject({ status: 401, error: 'invalid_grant' });

    // The theft was noticed: the session ended with its access tokens, so the device's own token is revoked
    // (no refresh for that), and its refresh once the token has expired is refused and signs it out.
    expect(step(lines, 'call_after_theft')).toMatchObject({ status: 401, error: 'invalid_token', attempts: 1, refreshes: 0, signedIn: true });
    expect(step(lines, 'refresh_after_theft')).toMatchObject({
      status: 401, error: 'token_expired', attempts: 1, refreshes: 1, refreshError: 'invalid_grant', signedIn: false,
    });
    const login = step(lines, 'login');
    expect(login).toMatchObject({ status: 200, tokenType: 'DPoP' });
    expect(login.sessionId).not.toBe(signup.sessionId);
    expect(step(lines, 'call_after_login')).toMatchObject({ status: 200, attempts: 1, refreshes: 0, signedIn: true });

    // The server's record: one rotation by the device, the thief's refresh taken for theft (another key), and
    // the device's later refresh refused because the session had ended.
    const events = await auditOf(signup.sessionId as string, 'refresh_failed');
    expect(events.map((event) => event.type)).toEqual(['signup', 'refresh', 'stolen_token_detected', 'refresh_failed']);
    expect(events[2]).toMatchObject({ proof: 'other_key', sessionRevoked: true });
    expect(events[3]).toMatchObject({ reason: 'session_ended' });
    const relogin = await auditOf(login.sessionId as string, 'login_succeeded');
    expect(relogin.map((event) => event.type)).toEqual(['login_succeeded']);
  }, 120_000);

  it('proofs from keys and signatures with a leading zero byte verify: the JWK coordinates and R||S keep 32 bytes each', async () => {
    const url = `${tessera.url}/api/number`;
    const accessToken = 'not-a-real-token';
    const nonces = createDpopNonces({ secret: randomBytes(32) });
    const nonce = nonces.current();
    const stdout = await new Promise<string>((resolve, reject) => {
      const classpath = [buildDir, ...JARS].join(path.delimiter);
      execFile('java', ['-cp', classpath, 'tessera.okhttp.ProofCheck', `${url}?page=2#top`, accessToken, nonce], { env: javaEnv(), timeout: 60_000 }, (error, out) =>
        error ? reject(error) : resolve(out));
    });
    const proofs = stdout.trim().split('\n').map((text) => JSON.parse(text) as { case: string; jkt: string; proof: string });
    expect(proofs.map((line) => line.case).sort()).toEqual(['nonce', 'r_leading_zero', 's_leading_zero', 'x_leading_zero', 'y_leading_zero']);

    const verify = createDpopProofVerifier({ replayCache: createMemoryReplayCache() });
    const verifyWithNonce = createDpopProofVerifier({ replayCache: createMemoryReplayCache(), nonces });
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
    for (const { case: name, jkt, proof } of proofs) {
      const [header, payload, signature] = proof.split('.') as [string, string, string];
      const jwk = decode(header).jwk as Record<string, string>;
      expect(Object.keys(jwk).sort()).toEqual(['crv', 'kty', 'x', 'y']);
      for (const coordinate of [jwk.x!, jwk.y!]) expect(Buffer.from(coordinate, 'base64url')).toHaveLength(32);
      const bytes = Buffer.from(signature, 'base64url');
      expect(bytes).toHaveLength(64);
      if (name === 'x_leading_zero') expect(Buffer.from(jwk.x!, 'base64url')[0]).toBe(0);
      if (name === 'y_leading_zero') expect(Buffer.from(jwk.y!, 'base64url')[0]).toBe(0);
      if (name === 'r_leading_zero') expect(bytes[0]).toBe(0);
      if (name === 's_leading_zero') expect(bytes[32]).toBe(0);
      // htu without the query and fragment the request URL had; ath the token's hash.
      expect(decode(payload)).toMatchObject({ htm: 'GET', htu: url });
      const verifier = name === 'nonce' ? verifyWithNonce : verify;
      // The server's own checks, signature included; the thumbprint the Java code computes is the server's jkt.
      await expect(verifier(proof, { method: 'GET', url, accessToken })).resolves.toMatchObject({ jkt });
    }
    const proofOf = (name: string) => proofs.find((line) => line.case === name)!.proof;
    expect(decode(proofOf('nonce').split('.')[1]!)).toMatchObject({ nonce });
    // A proof without the nonce is refused by a server that asks for one, so the check above means something.
    const withoutNonce = await verifyWithNonce(proofOf('x_leading_zero'), { method: 'GET', url, accessToken }).catch((error: unknown) => error);
    expect(withoutNonce).toBeInstanceOf(TesseraError);
    expect((withoutNonce as TesseraError).code).toBe('use_dpop_nonce');
  }, 60_000);

  it('DPoP with server nonces (TESSERA_DPOP_NONCE=on): the client retries once with the nonce and the scenario ends the same', async (context) => {
    const nonceDir = mkdtempSync(path.join(tmpdir(), 'tessera-okhttp-nonce-'));
    const server = await startTessera({ ...serverEnv(nonceDir), TESSERA_DPOP_NONCE: 'on' });
    try {
      if (!(await asksForNonce(server.url))) {
        console.warn('⚠️  SKIPPING the OkHttp nonce check: this server does not ask for DPoP nonces with TESSERA_DPOP_NONCE=on.');
        context.skip('the server does not ask for DPoP nonces');
      }
      const lines = await runScenario('dpop', { server });
      const nonces = step(lines, 'nonces');
      expect(nonces.seen as number).toBeGreaterThanOrEqual(1);
      expect(nonces.retries as number).toBeGreaterThanOrEqual(1);
      expect(step(lines, 'signup')).toMatchObject({ status: 201, tokenType: 'DPoP', boundToThisKey: true });
      expect(step(lines, 'call')).toMatchObject({ status: 200 });
      expect(step(lines, 'call_after_expiry')).toMatchObject({ status: 200, refreshes: 1, signedIn: true });
      expect(step(lines, 'thief_call_bearer')).toMatchObject({ status: 401 });
      expect(step(lines, 'thief_call_dpop')).toMatchObject({ status: 401 });
      expect(step(lines, 'thief_refresh')).toMatchObject({ status: 401, error: 'invalid_grant' });
      expect(step(lines, 'refresh_after_theft')).toMatchObject({ status: 401, refreshError: 'invalid_grant', signedIn: false });
      expect(step(lines, 'login')).toMatchObject({ status: 200, tokenType: 'DPoP' });
      expect(step(lines, 'call_after_login')).toMatchObject({ status: 200 });
    } finally {
      await server.stop();
      rmSync(nonceDir, { recursive: true, force: true });
    }
  }, 120_000);
});
