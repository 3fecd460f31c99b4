import { createHash, generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { createMemoryReplayCache } from './memory-replay-cache.js';
import { createDpopNonces } from './nonces.js';
import type { DpopProofVerifierOptions, VerifyDpopProof } from './types.js';
import { createDpopProofVerifier } from './verify-proof.js';

// Proofs are made with jose, an independent JOSE implementation, so these tests check the RFC, not our own signer.
const T0 = Date.UTC(2026, 0, 1, 12);
const URL_REFRESH = 'https://auth.example.test/auth/refresh';
const ACCESS_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1In0.c2ln';

interface Signer {
  privateKey: CryptoKey;
  jwk: JWK;
  jkt: string;
}

async function signer(alg: 'ES256' | 'EdDSA' | 'RS256' = 'ES256'): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, jwk, jkt: await calculateJwkThumbprint(jwk) };
}

let jtiCounter = 0;
async function proof(
  key: Signer,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  alg = key.jwk.kty === 'OKP' ? 'EdDSA' : key.jwk.kty === 'RSA' ? 'RS256' : 'ES256',
): Promise<string> {
  jtiCounter += 1;
  return new SignJWT({ jti: `jti-${jtiCounter}`, htm: 'POST', htu: URL_REFRESH, iat: Math.floor(T0 / 1000), ...claims })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk: key.jwk, ...header })
    .sign(key.privateKey);
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function setup(overrides: Partial<DpopProofVerifierOptions> = {}): { verify: VerifyDpopProof; clock: { now: number } } {
  const clock = { now: T0 };
  const verify = createDpopProofVerifier({ replayCache: createMemoryReplayCache({ now: () => clock.now }), now: () => clock.now, ...overrides });
  return { verify, clock };
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; reason: string | undefined; status: number }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TesseraError)) throw new Error(`expected a TesseraError, got ${String(error)}`);
  return { code: error.code, reason: error.reason, status: error.status };
}

let ann: Signer;
let eve: Signer;
beforeAll(async () => {
  [ann, eve] = await Promise.all([signer(), signer()]);
});

describe('DPoP proof verification (RFC 9449 §4.3)', () => {
  it('accepts a well-formed proof and returns the key thumbprint RFC 7638 defines', async () => {
    const { verify } = setup();
    await expect(verify(await proof(ann), { method: 'POST', url: URL_REFRESH })).resolves.toEqual({ jkt: ann.jkt, jti: `jti-${jtiCounter}`, iat: T0 / 1000 });
  });

  it.each(['EdDSA', 'RS256'] as const)('accepts %s proofs', async (alg) => {
    const { verify } = setup();
    const key = await signer(alg);
    await expect(verify(await proof(key), { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ jkt: key.jkt });
  });

  it('refuses a missing header and several DPoP headers (step 1)', async () => {
    const { verify } = setup();
    expect(await refusal(verify(undefined, { method: 'POST', url: URL_REFRESH }))).toEqual({ code: 'invalid_dpop_proof', reason: 'dpop_missing', status: 401 });
    const one = await proof(ann);
    expect(await refusal(verify([one, one], { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_malformed' });
  });

  it('refuses what is not one compact JWS with canonical segments (step 2)', async () => {
    const { verify } = setup();
    const good = await proof(ann);
    for (const bad of ['abc', `${good}.x`, `${good}=`, good.replace(/\.[^.]+$/, '.')]) {
      expect(await refusal(verify(bad, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ code: 'invalid_dpop_proof', reason: 'dpop_malformed' });
    }
  });

  it('refuses a proof without jti, htm, htu or an integer iat (step 3)', async () => {
    const { verify } = setup();
    for (const missing of [{ jti: undefined }, { htm: undefined }, { htu: undefined }, { iat: 'now' }, { iat: T0 / 1000 + 0.5 }]) {
      expect(await refusal(verify(await proof(ann, missing), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_missing_claim' });
    }
  });

  it('refuses a typ other than dpop+jwt, e.g. an access token signed by the same key (step 4)', async () => {
    const { verify } = setup();
    expect(await refusal(verify(await proof(ann, {}, { typ: 'at+jwt' }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_wrong_type' });
  });

  it('refuses alg none and a symmetric alg (step 5)', async () => {
    const { verify } = setup();
    const claims = b64({ jti: 'x1', htm: 'POST', htu: URL_REFRESH, iat: T0 / 1000 });
    const none = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: ann.jwk })}.${claims}.`;
    expect(await refusal(verify(none, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_malformed' });
    const noneSigned = `${b64({ alg: 'none', typ: 'dpop+jwt', jwk: ann.jwk })}.${claims}.AAAA`;
    expect(await refusal(verify(noneSigned, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_bad_alg' });
    const hmacKey = new Uint8Array(32).fill(7);
    // The MAC key sits in the header, as an attacker would put it: jose's types refuse that, so the header is spelt out.
    const hs256Header = { alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: Buffer.from(hmacKey).toString('base64url') } } as unknown as { alg: string };
    const hs256 = await new SignJWT({ jti: 'x2', htm: 'POST', htu: URL_REFRESH, iat: T0 / 1000 }).setProtectedHeader(hs256Header).sign(hmacKey);
    expect(await refusal(verify(hs256, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_bad_alg' });
  });

  it('refuses an alg the verifier was not configured for', async () => {
    const { verify } = setup({ algorithms: ['ES256'] });
    expect(await refusal(verify(await proof(await signer('EdDSA')), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_bad_alg' });
  });

  it('refuses a proof whose signature is not by the key in its jwk (step 6)', async () => {
    const { verify } = setup();
    const forged = await proof(eve, {}, { jwk: ann.jwk });
    expect(await refusal(verify(forged, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_bad_signature' });
  });

  it('refuses a jwk that does not fit the alg (a P-384 key for ES256, an EC key for EdDSA)', async () => {
    const { verify } = setup();
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' });
    expect(await refusal(verify(await proof(ann, {}, { jwk: p384 }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_bad_key' });
    const ecKeyForEdDsa = `${b64({ alg: 'EdDSA', typ: 'dpop+jwt', jwk: ann.jwk })}.${b64({})}.AA`;
    expect(await refusal(verify(ecKeyForEdDsa, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_bad_key' });
  });

  it('refuses a jwk that carries the private key (step 7)', async () => {
    const { verify } = setup();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const leaked = await new SignJWT({ jti: 'x3', htm: 'POST', htu: URL_REFRESH, iat: T0 / 1000 }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: privateJwk }).sign(privateKey);
    expect(await refusal(verify(leaked, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_private_key' });
  });

  it('refuses a proof for another method (step 8)', async () => {
    const { verify } = setup();
    expect(await refusal(verify(await proof(ann, { htm: 'GET' }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_wrong_method' });
    expect(await refusal(verify(await proof(ann, { htm: 'post' }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_wrong_method' });
  });

  it('refuses a proof for another URL, comparing without query and fragment after RFC 3986 normalisation (step 9)', async () => {
    const { verify } = setup();
    for (const htu of ['https://auth.example.test/auth/login', 'https://evil.example.test/auth/refresh', 'http://auth.example.test/auth/refresh', 'https://auth.example.test:8443/auth/refresh', '/auth/refresh', 'https://user@auth.example.test/auth/refresh']) {
      expect(await refusal(verify(await proof(ann, { htu }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_wrong_url' });
    }
    for (const htu of ['HTTPS://Auth.Example.Test:443/auth/refresh', 'https://auth.example.test/auth/./refresh?x=1#frag', 'https://auth.example.test/%61uth/refresh']) {
      await expect(verify(await proof(ann, { htu }), { method: 'POST', url: `${URL_REFRESH}?from=tab` })).resolves.toMatchObject({ jkt: ann.jkt });
    }
  });

  it('refuses a proof made too long ago or in the future, within the clock tolerance (step 11)', async () => {
    const { verify, clock } = setup({ maxAgeSeconds: 60, clockToleranceSeconds: 5 });
    const iat = T0 / 1000;
    clock.now = T0 + 65_000;
    await expect(verify(await proof(ann, { iat }), { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ iat });
    clock.now = T0 + 66_000;
    expect(await refusal(verify(await proof(ann, { iat }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_stale' });
    clock.now = T0;
    await expect(verify(await proof(ann, { iat: iat + 5 }), { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ jkt: ann.jkt });
    expect(await refusal(verify(await proof(ann, { iat: iat + 6 }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_future' });
  });

  it('refuses a replayed jti (§11.1), and accepts it again only once the proof could no longer be fresh', async () => {
    const { verify, clock } = setup();
    const once = await proof(ann);
    await verify(once, { method: 'POST', url: URL_REFRESH });
    expect(await refusal(verify(once, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_replayed' });
    // Another key may use the same jti: identifiers are per key.
    await expect(verify(await proof(eve, { jti: `jti-${jtiCounter}` }), { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ jkt: eve.jkt });
    clock.now = T0 + 120_000;
    expect(await refusal(verify(once, { method: 'POST', url: URL_REFRESH }))).toMatchObject({ reason: 'dpop_stale' });
  });

  it('lets exactly one of many concurrent uses of one proof through', async () => {
    const { verify } = setup();
    const once = await proof(ann);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => verify(once, { method: 'POST', url: URL_REFRESH })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('a refused proof does not use up its jti', async () => {
    const { verify } = setup();
    const one = await proof(ann);
    expect(await refusal(verify(one, { method: 'POST', url: URL_REFRESH, boundJkt: eve.jkt }))).toMatchObject({ reason: 'dpop_wrong_key' });
    await expect(verify(one, { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ jkt: ann.jkt });
  });

  it('requires ath equal to the hash of the access token sent with it (step 12)', async () => {
    const { verify } = setup();
    const ath = createHash('sha256').update(ACCESS_TOKEN).digest('base64url');
    const api = { method: 'GET', url: 'https://api.example.test/api/user', accessToken: ACCESS_TOKEN };
    const base = { htm: 'GET', htu: api.url };
    expect(await refusal(verify(await proof(ann, base), api))).toMatchObject({ reason: 'dpop_missing_ath' });
    const otherAth = createHash('sha256').update(`${ACCESS_TOKEN}x`).digest('base64url');
    expect(await refusal(verify(await proof(ann, { ...base, ath: otherAth }), api))).toMatchObject({ reason: 'dpop_wrong_ath' });
    await expect(verify(await proof(ann, { ...base, ath }), api)).resolves.toMatchObject({ jkt: ann.jkt });
  });

  it('requires the key the session or token is bound to (cnf.jkt)', async () => {
    const { verify } = setup();
    expect(await refusal(verify(await proof(eve), { method: 'POST', url: URL_REFRESH, boundJkt: ann.jkt }))).toEqual({ code: 'invalid_dpop_proof', reason: 'dpop_wrong_key', status: 401 });
    await expect(verify(await proof(ann), { method: 'POST', url: URL_REFRESH, boundJkt: ann.jkt })).resolves.toMatchObject({ jkt: ann.jkt });
  });

  it('asks for the server nonce, accepts the current and the previous one, and refuses forged or old ones (§8)', async () => {
    const clock = { now: T0 };
    const nonces = createDpopNonces({ secret: new Uint8Array(32).fill(1), stepSeconds: 300, now: () => clock.now });
    const { verify } = setup({ nonces, now: () => clock.now, replayCache: createMemoryReplayCache({ now: () => clock.now }) });
    expect(await refusal(verify(await proof(ann), { method: 'POST', url: URL_REFRESH }))).toEqual({ code: 'use_dpop_nonce', reason: 'dpop_nonce', status: 401 });
    const nonce = nonces.current();
    await expect(verify(await proof(ann, { nonce }), { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ jkt: ann.jkt });
    const forged = `${nonce.slice(0, nonce.indexOf('.'))}.${Buffer.alloc(16).toString('base64url')}`;
    expect(await refusal(verify(await proof(ann, { nonce: forged }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ code: 'use_dpop_nonce' });
    const otherServer = createDpopNonces({ secret: new Uint8Array(32).fill(2), now: () => clock.now }).current();
    expect(await refusal(verify(await proof(ann, { nonce: otherServer }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ code: 'use_dpop_nonce' });
    clock.now = T0 + 300_000;
    await expect(verify(await proof(ann, { nonce, iat: clock.now / 1000 }), { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ jkt: ann.jkt });
    clock.now = T0 + 600_000;
    expect(await refusal(verify(await proof(ann, { nonce, iat: clock.now / 1000 }), { method: 'POST', url: URL_REFRESH }))).toMatchObject({ code: 'use_dpop_nonce' });
    await expect(verify(await proof(ann, { nonce: nonces.current(), iat: clock.now / 1000 }), { method: 'POST', url: URL_REFRESH })).resolves.toMatchObject({ jkt: ann.jkt });
  });

  it('validates its options once, at creation', () => {
    const replayCache = createMemoryReplayCache();
    expect(() => createDpopProofVerifier({ replayCache, algorithms: ['HS256' as 'ES256'] })).toThrow('HS256 is not a DPoP algorithm; use ES256, EdDSA or RS256');
    expect(() => createDpopProofVerifier({ replayCache, maxAgeSeconds: 0 })).toThrow('maxAgeSeconds must be a whole number from 1 to 300');
    expect(() => createDpopProofVerifier({ replayCache, clockToleranceSeconds: 61 })).toThrow('clockToleranceSeconds must be a whole number from 0 to 60');
    expect(() => createDpopNonces({ secret: new Uint8Array(16) })).toThrow('the DPoP nonce secret must be at least 32 bytes');
  });
});

describe('the memory replay cache', () => {
  it('fails closed with rate_limited when full of live identifiers, and takes new ones once they expire', () => {
    const clock = { now: T0 };
    const cache = createMemoryReplayCache({ maxEntries: 2, now: () => clock.now });
    expect(cache.claim('a', T0 + 1000)).toBe(true);
    expect(cache.claim('b', T0 + 2000)).toBe(true);
    expect(() => cache.claim('c', T0 + 3000)).toThrow(expect.objectContaining({ code: 'rate_limited' }));
    expect(cache.claim('a', T0 + 1000)).toBe(false);
    clock.now = T0 + 1000;
    expect(cache.claim('c', T0 + 3000)).toBe(true);
    expect(cache.size()).toBe(2);
  });
});
