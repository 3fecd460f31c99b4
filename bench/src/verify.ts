import { createHmac, timingSafeEqual, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createAccessTokenVerifier,
  createJti,
  deriveHs256Key,
  generateSigningKey,
  publicJwk,
  signAccessToken,
  type AccessTokenClaims,
  type SigningAlg,
  type SigningKey,
  type VerificationKey,
} from '@tessera/core';
import { createVerifier } from 'fast-jwt';
import * as jose from 'jose';

export interface Row {
  alg: SigningAlg;
  subject: string;
  opsPerSec: number;
  /** Versus raw node:crypto verification of the same alg (the floor any JWT library sits on): the median of ratios
   * taken in paired slices, so it can differ slightly from the quotient of the two ops/s columns. */
  ratioToRaw: number;
  /** Cache-hit rows only: opsPerSec / raw HS256 (HMAC) verification ops/s. */
  ratioToRawHs256?: number;
}

const ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA', 'RS256', 'HS256'];
const ISS = 'https://bench.tessera.local';
const AUD = 'tessera';
const POOL_SIZE = 1000;
const ROUNDS = 9;
let sink = 0;

/** One subject: a synchronous or asynchronous call taking the iteration number. */
type Subject = { name: string; run: (i: number) => unknown; async?: boolean };

/** Calls `subject.run` in batches until `durationMs` has passed; returns ops/s. */
async function timeBox(subject: Subject, durationMs: number): Promise<number> {
  const batch = subject.async === true ? 16 : 128;
  const start = performance.now();
  let now = start;
  let ops = 0;
  while (now - start < durationMs) {
    if (subject.async === true) for (let k = 0; k < batch; k++) await subject.run(ops + k);
    else for (let k = 0; k < batch; k++) subject.run(ops + k);
    ops += batch;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

/** Collects garbage left by the previous slice, when node runs with --expose-gc, so no subject pays for another's. */
function settle(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

/**
 * Warms every subject up, then measures each one in ROUNDS short slices, every slice paired with a slice of the
 * floor (subjects[0]) just before it. A shared VM's neighbours slow whole stretches of seconds down, so a ratio
 * taken within one pair cancels most of that noise, where ratios of separately taken medians swung ±10%. Returns
 * each subject's median ops/s and the median of its paired ratios to the floor.
 */
async function measureAll(subjects: readonly Subject[], durationMs: number): Promise<{ opsPerSec: number; ratio: number }[]> {
  const floor = subjects[0] as Subject;
  for (const subject of subjects) await timeBox(subject, Math.max(50, durationMs / 4));
  const slice = durationMs / ROUNDS;
  const ops = subjects.map((): number[] => []);
  const ratios = subjects.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, subject] of subjects.entries()) {
      settle();
      const floorOps = await timeBox(floor, slice);
      settle();
      const subjectOps = index === 0 ? floorOps : await timeBox(subject, slice);
      ops[index]?.push(subjectOps);
      ratios[index]?.push(subjectOps / floorOps);
    }
  }
  return subjects.map((_, index) => ({ opsPerSec: median(ops[index] ?? []), ratio: median(ratios[index] ?? []) }));
}

/**
 * The floor: node:crypto verifying each pool token's signature over its signing input, both decoded before the
 * clock starts — the same crypto work, on the same tokens, that Tessera's fresh-token row does, minus everything
 * a JWT library adds (splitting, decoding, parsing, checking claims).
 */
function rawVerifier(alg: SigningAlg, key: KeyObject, tokens: readonly string[]): (i: number) => boolean {
  const inputs = tokens.map((token) => {
    const dot = token.lastIndexOf('.');
    return { data: Buffer.from(token.slice(0, dot), 'latin1'), signature: Buffer.from(token.slice(dot + 1), 'base64url') };
  });
  const input = (i: number) => inputs[i % inputs.length] as { data: Buffer; signature: Buffer };
  switch (alg) {
    case 'ES256':
      return (i) => cryptoVerify('sha256', input(i).data, { key, dsaEncoding: 'ieee-p1363' }, input(i).signature);
    case 'EdDSA':
      return (i) => cryptoVerify(null, input(i).data, key, input(i).signature);
    case 'RS256':
      return (i) => cryptoVerify('sha256', input(i).data, key, input(i).signature);
    case 'HS256':
      return (i) => timingSafeEqual(createHmac('sha256', key).update(input(i).data).digest(), input(i).signature);
  }
}

function claimsFor(n: number): AccessTokenClaims {
  const iat = Math.floor(Date.now() / 1000);
  return { iss: ISS, aud: AUD, sub: `user-${n}`, sid: `session-${n}`, jti: createJti(), iat, exp: iat + 3600, roles: ['user'] };
}

async function joseKeyFor(key: SigningKey): Promise<Parameters<typeof jose.jwtVerify>[1]> {
  // CryptoKeys, jose's fastest input: a raw secret or a JWK would be re-imported on every call.
  if (key.alg === 'HS256') return crypto.subtle.importKey('raw', key.privateKey.export(), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  return jose.importJWK({ ...publicJwk(key) }, key.alg);
}

function fastJwtKeyFor(key: SigningKey): string | Buffer {
  return key.alg === 'HS256' ? key.privateKey.export() : key.publicKey.export({ format: 'pem', type: 'spki' }).toString();
}

function check(label: string, ok: boolean): void {
  if (!ok) throw new Error(`bench setup: ${label} did not verify the token`);
}

/**
 * Verification throughput per algorithm: raw node:crypto (the floor), Tessera on fresh tokens (cache off, a
 * pool of distinct tokens), Tessera on a repeated token (cache hit), jose.jwtVerify, and fast-jwt's
 * createVerifier with its default settings (its cache is off by default) plus, for comparison with our cache
 * hit, fast-jwt with `cache: true` on a repeated token. Single thread, sequential calls; `durationMs` is the
 * measured time per subject (split into rounds). Also raw HS256, so the cache-hit rows can be read against the
 * cheapest real verification (`ratioToRawHs256`).
 */
export async function runVerifyBench(options: { durationMs?: number } = {}): Promise<Row[]> {
  const durationMs = options.durationMs ?? 750;
  const rows: Row[] = [];
  let rawHs256 = 0;
  const cacheRows: Row[] = [];
  for (const alg of ALGS) {
    const key = alg === 'HS256' ? deriveHs256Key(Buffer.alloc(32, 0x42)) : generateSigningKey(alg);
    const verificationKey: VerificationKey = { kid: key.kid, alg, key: key.publicKey };
    const resolveKey = (kid: string) => (kid === key.kid ? verificationKey : undefined);
    const pool = Array.from({ length: POOL_SIZE }, (_, n) => signAccessToken(key, claimsFor(n)));
    const pick = (i: number) => pool[i % POOL_SIZE] as string;
    const repeated = pick(0);
    // A server gets a new string from every request's header, so a cache lookup must hash and compare the
    // whole token each time; cache rows therefore verify a fresh copy of the repeated token on every call.
    const repeatedBytes = Buffer.from(repeated, 'latin1');
    const freshCopy = () => repeatedBytes.toString('latin1');

    const raw = rawVerifier(alg, key.publicKey, pool);
    check('raw', raw(0) && raw(POOL_SIZE - 1));
    const fresh = createAccessTokenVerifier({ issuer: ISS, audience: AUD, resolveKey, cacheSize: 0 });
    check('tessera', fresh(repeated).sub === 'user-0');
    const cached = createAccessTokenVerifier({ issuer: ISS, audience: AUD, resolveKey });
    check('tessera cached', cached(repeated).sub === 'user-0');
    const joseKey = await joseKeyFor(key);
    const joseOptions: jose.JWTVerifyOptions = { issuer: ISS, audience: AUD, algorithms: [alg], typ: 'at+jwt', requiredClaims: ['exp', 'iat'] };
    check('jose', (await jose.jwtVerify(repeated, joseKey, joseOptions)).payload.sub === 'user-0');
    const fastJwtOptions = { key: fastJwtKeyFor(key), algorithms: [alg], allowedIss: ISS, allowedAud: AUD, checkTyp: 'at+jwt' };
    const fastJwt = createVerifier(fastJwtOptions);
    check('fast-jwt', (fastJwt(repeated) as AccessTokenClaims).sub === 'user-0');
    const fastJwtCached = createVerifier({ ...fastJwtOptions, cache: true });
    check('fast-jwt cached', (fastJwtCached(repeated) as AccessTokenClaims).sub === 'user-0');

    const subjects: Subject[] = [
      { name: 'raw node:crypto verify (floor)', run: (i) => (sink += raw(i) ? 1 : 0) },
      { name: 'tessera, fresh tokens (cache off)', run: (i) => (sink += fresh(pick(i)).exp) },
      { name: 'tessera, repeated token (cache hit)', run: () => (sink += cached(freshCopy()).exp) },
      { name: 'jose.jwtVerify', run: async (i) => (sink += Number((await jose.jwtVerify(pick(i), joseKey, joseOptions)).payload.exp)), async: true },
      { name: 'fast-jwt createVerifier (defaults: cache off)', run: (i) => (sink += (fastJwt(pick(i)) as AccessTokenClaims).exp) },
      { name: 'fast-jwt (cache: true), repeated token', run: () => (sink += (fastJwtCached(freshCopy()) as AccessTokenClaims).exp) },
    ];
    const results = await measureAll(subjects, durationMs);
    if (alg === 'HS256') rawHs256 = results[0]?.opsPerSec ?? 0;
    for (const [index, subject] of subjects.entries()) {
      const { opsPerSec = 0, ratio = 0 } = results[index] ?? {};
      const row: Row = { alg, subject: subject.name, opsPerSec, ratioToRaw: ratio };
      rows.push(row);
      if (subject.name.startsWith('tessera, repeated')) cacheRows.push(row);
    }
  }
  for (const row of cacheRows) row.ratioToRawHs256 = row.opsPerSec / rawHs256;
  if (sink === -1) console.log(sink);
  return rows;
}
