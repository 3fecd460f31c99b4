import { randomBytes } from 'node:crypto';
import { createDpopNonces } from '@tessera/core/dpop';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGuard, type Guard } from './index.js';
import { FRAMEWORKS, type Listening } from '../test/frameworks.js';
import { dpopTestKey, type DpopTestKey } from '../test/dpop.js';
import { startTessera, type Tessera } from '../test/tessera.js';

let tessera: Tessera;
let guard: Guard;
let device: DpopTestKey;
let bound: string;

beforeAll(async () => {
  tessera = await startTessera();
  guard = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl });
  device = dpopTestKey();
  // What the server issues to a session bound to `device` (server tests prove it does).
  bound = tessera.mint({ cnf: { jkt: device.jkt } });
});
afterAll(async () => {
  await guard.close();
  await tessera.close();
});

async function get(url: string, headers: Record<string, string>): Promise<{ status: number; error: string | undefined; challenge: string | null }> {
  const response = await fetch(url, { headers });
  const body = (await response.json()) as { error?: string };
  return { status: response.status, error: body.error, challenge: response.headers.get('www-authenticate') };
}

describe.each(Object.keys(FRAMEWORKS))('DPoP-bound tokens at requireAuth on %s', (framework) => {
  let app: Listening;
  beforeAll(async () => {
    app = await FRAMEWORKS[framework]!(guard);
  });
  afterAll(() => app.close());

  it('accepts a bound token with a proof by its key for this request', async () => {
    const url = `${app.url}/me`;
    expect(await get(url, { authorization: `DPoP ${bound}`, dpop: device.proof('GET', url, bound) })).toMatchObject({ status: 200 });
  });

  it('refuses the copied token: as Bearer, without a proof, with another key, for another URL, or replayed', async () => {
    const url = `${app.url}/me`;
    expect(await get(url, { authorization: `Bearer ${bound}` })).toEqual({
      status: 401,
      error: 'invalid_token',
      challenge: 'DPoP realm="tessera", algs="ES256 EdDSA RS256", error="invalid_token", error_description="this access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof"',
    });
    expect(await get(url, { authorization: `DPoP ${bound}` })).toMatchObject({ status: 401, error: 'invalid_dpop_proof', challenge: expect.stringMatching(/^DPoP realm="tessera"/) as unknown });
    expect(await get(url, { authorization: `DPoP ${bound}`, dpop: dpopTestKey().proof('GET', url, bound) })).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
    expect(await get(url, { authorization: `DPoP ${bound}`, dpop: device.proof('GET', `${app.url}/admin`, bound) })).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
    const once = device.proof('GET', url, bound);
    expect(await get(url, { authorization: `DPoP ${bound}`, dpop: once })).toMatchObject({ status: 200 });
    expect(await get(url, { authorization: `DPoP ${bound}`, dpop: once })).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
  });
});

describe.each(Object.keys(FRAMEWORKS))('server nonces (dpop.nonces) at requireAuth on %s', (framework) => {
  let app: Listening;
  let nonced: Guard;
  const clock = { now: Date.now() };
  const nonces = createDpopNonces({ secret: randomBytes(32), now: () => clock.now });
  beforeAll(async () => {
    nonced = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl, dpop: { nonces } });
    app = await FRAMEWORKS[framework]!(nonced);
  });
  afterAll(async () => {
    await app.close();
    await nonced.close();
  });

  it('asks a proof without the nonce for it, hands it out on the refusal and on success, and refuses a stale one', async () => {
    const url = `${app.url}/me`;
    const asked = await fetch(url, { headers: { authorization: `DPoP ${bound}`, dpop: device.proof('GET', url, bound) } });
    expect({ status: asked.status, body: await asked.json() }).toMatchObject({ status: 401, body: { error: 'use_dpop_nonce' } });
    expect(asked.headers.get('www-authenticate')).toMatch(/^DPoP realm="tessera", algs="ES256 EdDSA RS256", error="use_dpop_nonce"/);
    const nonce = asked.headers.get('dpop-nonce');
    expect(nonce).toBe(nonces.current());
    const answered = await fetch(url, { headers: { authorization: `DPoP ${bound}`, dpop: device.proof('GET', url, bound, { nonce: nonce! }) } });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('dpop-nonce')).toBe(nonce);
    // Two nonce steps (5 minutes each) later the nonce is refused (only the nonces' clock moves: the proof is fresh).
    clock.now += 600_000;
    const stale = await fetch(url, { headers: { authorization: `DPoP ${bound}`, dpop: device.proof('GET', url, bound, { nonce: nonce! }) } });
    expect({ status: stale.status, body: await stale.json() }).toMatchObject({ status: 401, body: { error: 'use_dpop_nonce' } });
    expect(stale.headers.get('dpop-nonce')).toBe(nonces.current());
    expect(nonces.current()).not.toBe(nonce);
    clock.now -= 600_000;
  });

  it('hands no nonce to a request without a DPoP header', async () => {
    const response = await fetch(`${app.url}/me`, { headers: { authorization: `Bearer ${tessera.mint({})}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('dpop-nonce')).toBeNull();
  });
});

describe('createGuard dpop options', () => {
  it('refuses nonces that are not createDpopNonces\'s, naming the option', () => {
    const base = { issuer: 'https://auth.example.test', audience: 'tessera', algorithms: ['ES256' as const], jwksUrl: 'https://auth.example.test/.well-known/jwks.json' };
    expect(() => createGuard({ ...base, dpop: { nonces: { current: () => 'x' } as never } })).toThrow(
      'createGuard: "dpop.nonces" must be nonces from createDpopNonces({ secret }) (@tessera/core/dpop): { current(), isValid(nonce) }.',
    );
  });

  it('refuses a publicOrigin that is not a bare origin, naming the option', () => {
    const base = { issuer: 'https://auth.example.test', audience: 'tessera', algorithms: ['ES256'] as const, jwksUrl: 'https://auth.example.test/.well-known/jwks.json' };
    expect(() => createGuard({ ...base, algorithms: [...base.algorithms], dpop: { publicOrigin: 'https://api.example.test/v1' } })).toThrow(
      'createGuard: "dpop.publicOrigin" must be a bare origin such as https://api.example.test, without path or trailing slash.',
    );
  });

  it('accepts a proof naming the public origin when a proxy changes the host the framework sees', async () => {
    const proxied = createGuard({ issuer: tessera.issuer, audience: 'tessera', algorithms: ['ES256'], jwksUrl: tessera.jwksUrl, dpop: { publicOrigin: 'https://api.example.test' } });
    const proof = device.proof('GET', 'https://api.example.test/me', bound);
    await expect(proxied.authenticate(`DPoP ${bound}`, { dpop: proof, method: 'GET', url: 'http://10.0.0.5:8080/me' })).resolves.toMatchObject({ cnf: { jkt: device.jkt } });
    await proxied.close();
  });
});
