import { randomBytes } from 'node:crypto';
import type { AuthEvent } from '@tessera/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, json, ORIGIN, PASSWORD } from '../test/harness.js';
import { dpopTestKey, type DpopTestKey } from '../test/dpop.js';

// Server nonces (RFC 9449 §8, TESSERA_DPOP_NONCE=on): every proof must carry a nonce the server handed out in
// `DPoP-Nonce`, so a proof made in advance (by a script that had the key's signing ability for a while) expires.

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(env: Record<string, string> = {}): Promise<TestApp> {
  const app = await createTestApp({ TESSERA_DPOP_NONCE: 'on', ...env });
  apps.push(app);
  return app;
}

const url = (path: string) => `${ORIGIN}${path}`;

interface TokenBody {
  accessToken: string;
  tokenType: string;
  refreshToken: string;
}

function signUp(t: TestApp, key: DpopTestKey, nonce?: string): Promise<Response> {
  const dpop = key.proof('POST', url('/auth/signup'), nonce === undefined ? {} : { nonce });
  return t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }, { dpop }));
}

function me(t: TestApp, key: DpopTestKey, accessToken: string, nonce?: string): Promise<Response> {
  const dpop = key.proof('GET', url('/auth/me'), { accessToken, ...(nonce === undefined ? {} : { nonce }) });
  return t.request('/auth/me', { headers: { authorization: `DPoP ${accessToken}`, dpop } });
}

function refresh(t: TestApp, key: DpopTestKey, refreshToken: string, nonce?: string): Promise<Response> {
  return t.request('/auth/refresh', json({ refreshToken }, { dpop: key.proof('POST', url('/auth/refresh'), nonce === undefined ? {} : { nonce }) }));
}

/** The refusal a proof without a current nonce gets: 401 use_dpop_nonce, its DPoP challenge, and the nonce to use. */
async function expectNonceAsked(response: Response): Promise<string> {
  expect(response.status).toBe(401);
  expect(((await response.json()) as { error: string }).error).toBe('use_dpop_nonce');
  expect(response.headers.get('www-authenticate')).toBe(
    'DPoP realm="tessera", algs="ES256 EdDSA RS256", error="use_dpop_nonce", error_description="Sign the DPoP proof again with the nonce in the DPoP-Nonce header."',
  );
  return nonceOf(response);
}

function nonceOf(response: Response): string {
  const nonce = response.headers.get('dpop-nonce');
  expect(nonce).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{22}$/);
  return nonce!;
}

describe('TESSERA_DPOP_NONCE=on', () => {
  it('asks a first proof for the nonce, then binds the session with a proof that carries it', async () => {
    const t = await start();
    const device = dpopTestKey(t.clock.now);
    const nonce = await expectNonceAsked(await signUp(t, device));
    // Refused before anything was done: no account exists yet, so the retry is no email_taken.
    expect(await t.runtime.stores.users.findUserByEmail('ann@example.test')).toBeNull();
    const created = await signUp(t, device, nonce);
    expect(created.status).toBe(201);
    expect(nonceOf(created)).toBe(nonce);
    const tokens = (await created.json()) as TokenBody;
    expect(tokens.tokenType).toBe('DPoP');

    // A protected route asks for it as well, with the same challenge, and hands it out on success.
    await expectNonceAsked(await me(t, device, tokens.accessToken));
    const answered = await me(t, device, tokens.accessToken, nonce);
    expect(answered.status).toBe(200);
    expect(nonceOf(answered)).toBe(nonce);
  });

  it('accepts a nonce during its step and the next, refuses it two steps on, and hands out the current one', async () => {
    const t = await start();
    const device = dpopTestKey(t.clock.now);
    const nonce = nonceOf(await signUp(t, device));
    const tokens = (await (await signUp(t, device, nonce)).json()) as TokenBody;
    t.clock.advance(300_000);
    const nextStep = await me(t, device, tokens.accessToken, nonce);
    expect(nextStep.status).toBe(200);
    const current = nonceOf(nextStep);
    expect(current).not.toBe(nonce);
    t.clock.advance(300_000);
    // Two steps after it was issued: a proof made with it back then would be stale now.
    expect(await expectNonceAsked(await me(t, device, tokens.accessToken, nonce))).not.toBe(current);
    expect((await me(t, device, tokens.accessToken, current)).status).toBe(200);
  });

  it('refuses a forged nonce and one of a server with another secret; takes one of another instance sharing the secret', async () => {
    const t = await start();
    const sibling = await start();
    const stranger = await start({ TESSERA_SECRET: randomBytes(32).toString('hex') });
    const device = dpopTestKey(t.clock.now);
    const fromSibling = nonceOf(await sibling.request('/healthz', { headers: { dpop: device.proof('GET', url('/healthz')) } }));
    const fromStranger = nonceOf(await stranger.request('/healthz', { headers: { dpop: device.proof('GET', url('/healthz')) } }));
    const forged = `${fromSibling.split('.')[0]!}.${Buffer.alloc(16).toString('base64url')}`;
    await expectNonceAsked(await signUp(t, device, forged));
    await expectNonceAsked(await signUp(t, device, fromStranger));
    expect((await signUp(t, device, fromSibling)).status).toBe(201);
  });

  it('a refresh of a bound session answered use_dpop_nonce is no theft: the session lives on and the retry refreshes it', async () => {
    const t = await start();
    const events: AuthEvent[] = [];
    t.runtime.auth.onEvent((event) => events.push(event));
    const device = dpopTestKey(t.clock.now);
    const nonce = nonceOf(await signUp(t, device));
    const tokens = (await (await signUp(t, device, nonce)).json()) as TokenBody;
    t.clock.advance(600_000);
    const current = await expectNonceAsked(await refresh(t, device, tokens.refreshToken, nonce));
    expect(events.filter((e) => e.type === 'stolen_token_detected' || e.type === 'refresh_failed')).toEqual([]);
    const refreshed = await refresh(t, device, tokens.refreshToken, current);
    expect(refreshed.status).toBe(200);
    const next = (await refreshed.json()) as TokenBody;
    expect(next.tokenType).toBe('DPoP');
    expect((await me(t, device, next.accessToken, current)).status).toBe(200);
  });

  it('GraphQL asks for it too, in a GraphQL answer, and takes it on the retry', async () => {
    const t = await start();
    const device = dpopTestKey(t.clock.now);
    const signUpQuery = 'mutation($email: String!, $password: String!) { signUp(email: $email, password: $password, transport: BODY) { tokenType } }';
    const post = (nonce?: string) => t.request('/graphql', json(
      { query: signUpQuery, variables: { email: 'ann@example.test', password: PASSWORD } },
      { dpop: device.proof('POST', url('/graphql'), nonce === undefined ? {} : { nonce }) },
    ));
    const asked = await post();
    expect(asked.status).toBe(401);
    expect(await asked.json()).toEqual({ errors: [{ message: 'Sign the DPoP proof again with the nonce in the DPoP-Nonce header.', extensions: { code: 'use_dpop_nonce' } }] });
    expect(asked.headers.get('www-authenticate')).toMatch(/^DPoP realm="tessera", algs="ES256 EdDSA RS256", error="use_dpop_nonce"/);
    const signed = await post(nonceOf(asked));
    expect(await signed.json()).toEqual({ data: { signUp: { tokenType: 'DPoP' } } });
    expect(signed.headers.get('dpop-nonce')).toBe(nonceOf(asked));
  });

  it('sends no DPoP-Nonce to a request without a DPoP header, and lets listed origins read it', async () => {
    const t = await start({ TESSERA_CORS_ORIGINS: 'https://app.example.test' });
    const bearer = await t.request('/auth/signup', json({ email: 'bob@example.test', password: PASSWORD }, { origin: 'https://app.example.test' }));
    expect(bearer.status).toBe(201);
    expect(bearer.headers.get('dpop-nonce')).toBeNull();
    expect(bearer.headers.get('access-control-expose-headers')?.split(/,\s*/)).toContain('DPoP-Nonce');
  });
});

describe('TESSERA_DPOP_NONCE=off (the default)', () => {
  it('takes proofs without a nonce and hands none out', async () => {
    const t = await createTestApp();
    apps.push(t);
    const created = await signUp(t, dpopTestKey(t.clock.now));
    expect(created.status).toBe(201);
    expect(created.headers.get('dpop-nonce')).toBeNull();
  });
});
