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
  /** opsPerSec / raw node:crypto verification of the same alg (the floor any JWT library sits on). */
  ratioToRaw: number;
  /** Cache-hit rows only: opsPerSec / raw HS256 (HMAC) verification ops/s. */
  ratioToRawHs256?: number;
}

const ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA', 'RS256', 'HS256'];
const ISS = 'https://bench.tessera.local';
const AUD = 'tessera';
const POOL_SIZE = 1000;
const ROUNDS = 5;
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

/**
 * Warms every subject up, then measures them round-robin in ROUNDS short slices and keeps each one's median,
 * so a burst of load from another process skews one slice, not a whole subject.
 */
async function measureAll(subjects: readonly Subject[], durationMs: number): Promise<number[]> {
  for (const subject of subjects) await timeBox(subject, Math.max(50, durationMs / 4));
  const samples = subjects.map((): number[] => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, subject] of subjects.entries()) samples[index]?.push(await timeBox(subject, durationMs / ROUNDS));
  }
  return samples.map((values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0);
}

function rawVerifier(alg: SigningAlg, key: KeyObject, token: string): () => boolean {
  const dot = token.lastIndexOf('.');
  const data = Buffer.from(token.slice(0, dot), 'latin1');
  const signature = Buffer.from(token.slice(dot + 1), 'base64url');
  switch (alg) {
    case 'ES256':
      return () => cryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
    case 'EdDSA':
      return () => cryptoVerify(null, data, key, signature);
    case 'RS256':
      return () => cryptoVerify('sha256', data, key, signature);
    case 'HS256':
      return () => timingSafeEqual(createHmac('sha256', key).update(data).digest(), signature);
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

    const raw = rawVerifier(alg, key.publicKey, repeated);
    check('raw', raw());
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
      { name: 'raw node:crypto verify (floor)', run: () => (sink += raw() ? 1 : 0) },
      { name: 'tessera, fresh tokens (cache off)', run: (i) => (sink += fresh(pick(i)).exp) },
      { name: 'tessera, repeated token (cache hit)', run: () => (sink += cached(freshCopy()).exp) },
      { name: 'jose.jwtVerify', run: async (i) => (sink += Number((await jose.jwtVerify(pick(i), joseKey, joseOptions)).payload.exp)), async: true },
      { name: 'fast-jwt createVerifier (defaults: cache off)', run: (i) => (sink += (fastJwt(pick(i)) as AccessTokenClaims).exp) },
      { name: 'fast-jwt (cache: true), repeated token', run: () => (sink += (fastJwtCached(freshCopy()) as AccessTokenClaims).exp) },
    ];
    const results = await measureAll(subjects, durationMs);
    const rawOps = results[0] ?? 0;
    if (alg === 'HS256') rawHs256 = rawOps;
    for (const [index, subject] of subjects.entries()) {
      const opsPerSec = results[index] ?? 0;
      const row: Row = { alg, subject: subject.name, opsPerSec, ratioToRaw: opsPerSec / rawOps };
      rows.push(row);
      if (subject.name.startsWith('tessera, repeated')) cacheRows.push(row);
    }
  }
  for (const row of cacheRows) row.ratioToRawHs256 = row.opsPerSec / rawHs256;
  if (sink === -1) console.log(sink);
  return rows;
}
