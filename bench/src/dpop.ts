// What DPoP (RFC 9449) costs, in process and on one thread: @tessera/guard on a bound token with its proof vs the
// same guard on a bearer token, and a refresh through the core with its proof checked vs a bearer refresh. Proofs
// are signed in advance (that is the client's cost, not the server's), each with its own jti, as clients send them.
import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  createAuth,
  createDpopProofVerifier,
  createJti,
  createMemoryReplayCache,
  createMemoryStores,
  deriveKeys,
  generateSigningKey,
  KeyRing,
  publicJwk,
  signAccessToken,
} from '@tessera/core';
import { createGuard } from '@tessera/guard';

export interface DpopBenchRow {
  subject: string;
  variant: 'Bearer' | 'DPoP';
  opsPerSec: number;
  /** DPoP rows: opsPerSec / the Bearer row of the same subject. */
  ratioToBearer: number;
}

const ISSUER = 'https://bench.tessera.local';
const URL_API = 'https://api.bench.tessera.local/getnumber';
const URL_REFRESH = `${ISSUER}/auth/refresh`;

function proofSigner() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const { kty, crv, x, y } = publicKey.export({ format: 'jwk' });
  const jwk = { crv, kty, x, y };
  const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk })).toString('base64url');
  return {
    jkt: createHash('sha256').update(JSON.stringify(jwk)).digest('base64url'),
    proof(method: string, url: string, accessToken?: string): string {
      const claims: Record<string, unknown> = { jti: randomUUID(), htm: method, htu: url, iat: Math.floor(Date.now() / 1000) };
      if (accessToken !== undefined) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
      const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${input}.${sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
    },
  };
}

/** Runs `step(i)` until `durationMs` passes or `limit` steps are done; ops/s. */
async function timeBox(step: (i: number) => Promise<unknown>, durationMs: number, limit: number): Promise<number> {
  const start = performance.now();
  let ops = 0;
  while (ops < limit && performance.now() - start < durationMs) await step(ops++);
  return ops / ((performance.now() - start) / 1000);
}

export async function runDpopBench(options: { durationMs: number; proofs: number }): Promise<DpopBenchRow[]> {
  const { durationMs, proofs } = options;
  const device = proofSigner();
  const rows: DpopBenchRow[] = [];

  // The guard: the same token shape, bearer or bound; its verified-token cache on, as in production.
  const key = generateSigningKey('ES256');
  const guard = createGuard({ issuer: ISSUER, audience: 'tessera', algorithms: ['ES256'], key: publicJwk(key) });
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: ISSUER, aud: 'tessera', sub: 'bench-user', sid: 'bench-session', jti: createJti(), iat: now, exp: now + 900, roles: [] };
  const bearer = signAccessToken(key, claims);
  const bound = signAccessToken(key, { ...claims, cnf: { jkt: device.jkt } });
  const apiProofs = Array.from({ length: proofs }, () => device.proof('GET', URL_API, bound));
  await guard.authenticate(`Bearer ${bearer}`);
  const guardBearer = await timeBox(() => guard.authenticate(`Bearer ${bearer}`), durationMs, Number.POSITIVE_INFINITY);
  const guardDpop = await timeBox((i) => guard.authenticate(`DPoP ${bound}`, { dpop: apiProofs[i], method: 'GET', url: URL_API }), durationMs, proofs);
  await guard.close();
  // The same guard without its verified-token cache: every bearer request pays one signature check, as a DPoP one
  // pays two (the token's, cached above, and its proof's, never cached: each proof is new).
  const uncached = createGuard({ issuer: ISSUER, audience: 'tessera', algorithms: ['ES256'], key: publicJwk(key), cacheSize: 0 });
  const guardBearerUncached = await timeBox(() => uncached.authenticate(`Bearer ${bearer}`), durationMs, Number.POSITIVE_INFINITY);
  await uncached.close();
  rows.push({ subject: 'guard: one request', variant: 'Bearer', opsPerSec: guardBearer, ratioToBearer: 1 });
  rows.push({ subject: 'guard: one request', variant: 'DPoP', opsPerSec: guardDpop, ratioToBearer: guardDpop / guardBearer });
  rows.push({ subject: 'guard: one request, token cache off', variant: 'Bearer', opsPerSec: guardBearerUncached, ratioToBearer: 1 });
  rows.push({ subject: 'guard: one request, token cache off', variant: 'DPoP', opsPerSec: guardDpop, ratioToBearer: guardDpop / guardBearerUncached });

  // A refresh through the core on the in-memory stores; the DPoP one also checks its proof, as the server does.
  const stores = createMemoryStores();
  const derived = deriveKeys(Buffer.alloc(32, 9));
  const keys = await KeyRing.load(stores.keys, { alg: 'ES256', encryptionKey: derived.keyEncryption, accessTtlSeconds: 900, now: Date.now });
  const settings = { issuer: ISSUER, audience: ['tessera'], accessTtlSeconds: 900, refreshTtlSeconds: 14 * 86_400, sessionMaxAgeSeconds: 30 * 86_400, refreshGraceSeconds: 10, clockToleranceSeconds: 5 };
  const auth = await createAuth({ stores, keys, derived, settings });
  const verifyProof = createDpopProofVerifier({ replayCache: createMemoryReplayCache() });
  let bearerToken = (await auth.signup({ email: 'bearer@bench.test', password: 'correct horse battery' }, {})).tokens.refreshToken;
  let boundToken = (await auth.signup({ email: 'bound@bench.test', password: 'correct horse battery' }, { dpopJkt: device.jkt })).tokens.refreshToken;
  const refreshProofs = Array.from({ length: proofs }, () => device.proof('POST', URL_REFRESH));
  const refreshBearer = await timeBox(async () => {
    bearerToken = (await auth.refresh(bearerToken, {})).refreshToken;
  }, durationMs, Number.POSITIVE_INFINITY);
  const refreshDpop = await timeBox(async (i) => {
    const { jkt } = await verifyProof(refreshProofs[i], { method: 'POST', url: URL_REFRESH });
    boundToken = (await auth.refresh(boundToken, { dpopJkt: jkt })).refreshToken;
  }, durationMs, proofs);
  rows.push({ subject: 'refresh (core, memory store)', variant: 'Bearer', opsPerSec: refreshBearer, ratioToBearer: 1 });
  rows.push({ subject: 'refresh (core, memory store)', variant: 'DPoP', opsPerSec: refreshDpop, ratioToBearer: refreshDpop / refreshBearer });
  return rows;
}
