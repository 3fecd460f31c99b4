import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, json, ORIGIN, PASSWORD } from '../test/harness.js';
import { dpopTestKey, type DpopTestKey } from '../test/dpop.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
afterEach(async () => t.close());

const url = (path: string) => `${ORIGIN}${path}`;

interface TokenBody {
  accessToken: string;
  tokenType: string;
  refreshToken: string;
}

/** Signs up with the body transport, with a proof by `key` when one is given. */
async function signUp(key: DpopTestKey | undefined): Promise<TokenBody> {
  const headers: Record<string, string> = key ? { dpop: key.proof('POST', url('/auth/signup')) } : {};
  const response = await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }, headers));
  expect(response.status).toBe(201);
  return (await response.json()) as TokenBody;
}

function refresh(refreshToken: string, key: DpopTestKey | undefined): Promise<Response> {
  return t.request('/auth/refresh', json({ refreshToken }, key ? { dpop: key.proof('POST', url('/auth/refresh')) } : {}));
}

function me(accessToken: string, key: DpopTestKey | undefined, scheme = key ? 'DPoP' : 'Bearer'): Promise<Response> {
  const headers: Record<string, string> = { authorization: `${scheme} ${accessToken}` };
  if (key) headers.dpop = key.proof('GET', url('/auth/me'), { accessToken });
  return t.request('/auth/me', { headers });
}

async function errorOf(response: Response): Promise<{ status: number; error: string; challenge: string | null }> {
  const body = (await response.json()) as { error: string };
  return { status: response.status, error: body.error, challenge: response.headers.get('www-authenticate') };
}

describe('DPoP-bound sessions over HTTP', () => {
  it('binds a session whose signup carries a proof: tokenType DPoP, and the access token works only with a proof by that key', async () => {
    t = await createTestApp();
    const device = dpopTestKey(t.clock.now);
    const tokens = await signUp(device);
    expect(tokens.tokenType).toBe('DPoP');
    expect((await me(tokens.accessToken, device)).status).toBe(200);
    // A copied access token: as Bearer (the downgrade), and under DPoP with the thief's own key.
    expect(await errorOf(await me(tokens.accessToken, undefined, 'Bearer'))).toEqual({
      status: 401,
      error: 'invalid_token',
      challenge: 'DPoP realm="tessera", algs="ES256 EdDSA RS256", error="invalid_token", error_description="this access token is DPoP-bound: send it as Authorization: DPoP with a DPoP proof"',
    });
    expect(await errorOf(await me(tokens.accessToken, dpopTestKey(t.clock.now)))).toMatchObject({ status: 401, error: 'invalid_dpop_proof', challenge: expect.stringContaining('DPoP realm="tessera"') as unknown });
    // DPoP scheme without a proof, and a proof made for another route.
    expect(await errorOf(await t.request('/auth/me', { headers: { authorization: `DPoP ${tokens.accessToken}` } }))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
    const elsewhere = device.proof('GET', url('/auth/sessions'), { accessToken: tokens.accessToken });
    expect(await errorOf(await t.request('/auth/me', { headers: { authorization: `DPoP ${tokens.accessToken}`, dpop: elsewhere } }))).toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('refuses a replayed proof', async () => {
    t = await createTestApp();
    const device = dpopTestKey(t.clock.now);
    const tokens = await signUp(device);
    const headers = { authorization: `DPoP ${tokens.accessToken}`, dpop: device.proof('GET', url('/auth/me'), { accessToken: tokens.accessToken }) };
    expect((await t.request('/auth/me', { headers })).status).toBe(200);
    expect(await errorOf(await t.request('/auth/me', { headers }))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
  });

  it('refreshes with a proof by the same key; a copied refresh token refreshed elsewhere is invalid_grant and ends the session', async () => {
    t = await createTestApp();
    const device = dpopTestKey(t.clock.now);
    const tokens = await signUp(device);
    t.clock.advance(60_000);
    const next = (await (await refresh(tokens.refreshToken, device)).json()) as TokenBody;
    expect(next.tokenType).toBe('DPoP');
    expect((await me(next.accessToken, device)).status).toBe(200);
    // The thief: the current refresh token, without the key (no proof, or a proof by another key).
    expect(await errorOf(await refresh(next.refreshToken, dpopTestKey(t.clock.now)))).toMatchObject({ status: 401, error: 'invalid_grant' });
    expect(await errorOf(await me(next.accessToken, device))).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(await errorOf(await refresh(next.refreshToken, device))).toMatchObject({ status: 401, error: 'invalid_grant' });
  });

  it('a refresh without any proof also ends a bound session', async () => {
    t = await createTestApp();
    const tokens = await signUp(dpopTestKey(t.clock.now));
    expect(await errorOf(await refresh(tokens.refreshToken, undefined))).toMatchObject({ status: 401, error: 'invalid_grant' });
  });

  it('a proof that fails at signup is 401 invalid_dpop_proof and creates no account', async () => {
    t = await createTestApp();
    const device = dpopTestKey(t.clock.now);
    const wrongMethod = device.proof('GET', url('/auth/signup'));
    const response = await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD }, { dpop: wrongMethod }));
    expect(await errorOf(response)).toEqual({ status: 401, error: 'invalid_dpop_proof', challenge: null });
    expect(await t.runtime.stores.users.findUserByEmail('ann@example.test')).toBeNull();
  });

  it('the session list says which sessions are bound to their device', async () => {
    t = await createTestApp();
    const device = dpopTestKey(t.clock.now);
    const bound = await signUp(device);
    expect((await t.request('/auth/login', json({ email: 'ann@example.test', password: PASSWORD, transport: 'body' }))).status).toBe(200);
    const listed = async (env: typeof t) => {
      const headers = { authorization: `DPoP ${bound.accessToken}`, dpop: device.proof('GET', url('/auth/sessions'), { accessToken: bound.accessToken }) };
      const body = (await (await env.request('/auth/sessions', { headers })).json()) as { sessions: { current: boolean; deviceBound: boolean }[] };
      return body.sessions.map((session) => [session.current, session.deviceBound]).sort();
    };
    expect(await listed(t)).toEqual([[false, false], [true, true]]);
  });

  it('without a proof the session is a bearer session, as before', async () => {
    t = await createTestApp();
    const tokens = await signUp(undefined);
    expect(tokens.tokenType).toBe('Bearer');
    expect((await me(tokens.accessToken, undefined)).status).toBe(200);
    // A bearer token under the DPoP scheme is refused rather than guessed at.
    expect(await errorOf(await t.request('/auth/me', { headers: { authorization: `DPoP ${tokens.accessToken}` } }))).toMatchObject({ status: 401, error: 'invalid_token' });
  });

  it('TESSERA_DPOP=required refuses signup without a proof; off ignores proofs and leaves DPoP out of discovery', async () => {
    t = await createTestApp({ TESSERA_DPOP: 'required' });
    expect(await errorOf(await t.request('/auth/signup', json({ email: 'ann@example.test', password: PASSWORD })))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
    expect((await signUp(dpopTestKey(t.clock.now))).tokenType).toBe('DPoP');
    await t.close();
    t = await createTestApp({ TESSERA_DPOP: 'off' });
    expect((await signUp(dpopTestKey(t.clock.now))).tokenType).toBe('Bearer');
    const discovery = (await (await t.request('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(discovery).not.toHaveProperty('dpop_signing_alg_values_supported');
  });

  it('GraphQL signUp and refresh bind and keep the session with proofs, as REST does', async () => {
    t = await createTestApp();
    const device = dpopTestKey(t.clock.now);
    const query = (text: string, variables: object, headers: Record<string, string>) => t.request('/graphql', json({ query: text, variables }, headers));
    const signUpQuery = 'mutation($email: String!, $password: String!) { signUp(email: $email, password: $password, transport: BODY) { accessToken tokenType refreshToken } }';
    const refreshQuery = 'mutation($token: String!) { refresh(refreshToken: $token) { tokenType refreshToken } }';
    const signed = (await (await query(signUpQuery, { email: 'ann@example.test', password: PASSWORD }, { dpop: device.proof('POST', url('/graphql')) })).json()) as { data: { signUp: TokenBody } };
    expect(signed.data.signUp.tokenType).toBe('DPoP');
    const refreshed = (await (await query(refreshQuery, { token: signed.data.signUp.refreshToken }, { dpop: device.proof('POST', url('/graphql')) })).json()) as { data: { refresh: TokenBody } };
    expect(refreshed.data.refresh.tokenType).toBe('DPoP');
    // Without the key the same mutation is refused and the session ends.
    const stolen = (await (await query(refreshQuery, { token: refreshed.data.refresh.refreshToken }, {})).json()) as { errors: { extensions: { code: string } }[] };
    expect(stolen.errors.map((e) => e.extensions.code)).toEqual(['invalid_grant']);
  });

  it('GraphQL refuses a copied DPoP-bound token sent as Bearer', async () => {
    t = await createTestApp();
    const tokens = await signUp(dpopTestKey(t.clock.now));
    const response = await t.request('/graphql', json({ query: '{ me { email } }' }, { authorization: `Bearer ${tokens.accessToken}` }));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^DPoP realm="tessera"/);
  });
});
