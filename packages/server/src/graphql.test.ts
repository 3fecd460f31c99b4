import type { AuthEvent } from '@tessera/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { codes, graphql, GRAPHQL_RESPONSE, LOG_IN, REFRESH, SIGN_UP, type AuthPayload } from '../test/graphql.js';
import { checkedRequest, cookieHeader, cookieJar, createTestApp, ORIGIN, PASSWORD } from '../test/harness.js';

let t: Awaited<ReturnType<typeof createTestApp>>;
let events: AuthEvent[];
let send: (pathname: string, init?: RequestInit) => Promise<Response>;
beforeEach(async () => {
  t = await createTestApp({ TESSERA_CORS_ORIGINS: 'http://app.example.test:5173' });
  events = [];
  const app = createApp({ auth: t.runtime.auth, keys: t.runtime.keys, config: t.config, logError: () => {}, onEvent: (event) => void events.push(event) });
  send = checkedRequest(app);
});
afterEach(async () => t.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sidOf = (token: string) => (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;

async function signUp(transport: 'COOKIE' | 'BODY' = 'COOKIE', email = 'ann@example.test') {
  const { response, body } = await graphql<{ signUp: AuthPayload }>(send, SIGN_UP, { variables: { email, password: PASSWORD, transport } });
  return { response, payload: body.data!.signUp, jar: cookieJar(response) };
}

async function logIn(transport: 'COOKIE' | 'BODY' = 'BODY') {
  const { body } = await graphql<{ logIn: AuthPayload }>(send, LOG_IN, { variables: { email: 'ann@example.test', password: PASSWORD, transport } });
  return body.data!.logIn;
}

describe('signUp and logIn', () => {
  it('signUp with the cookie transport: the REST body shape, the refresh cookie set as by POST /auth/signup, no refresh token in the body', async () => {
    const { response, payload } = await signUp();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(GRAPHQL_RESPONSE);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(payload).toMatchObject({ user: { email: 'ann@example.test', name: 'Ann' }, tokenType: 'Bearer', expiresIn: 900, refreshToken: null });
    expect(payload.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookies = response.headers.getSetCookie();
    const refresh = cookies.find((line) => line.startsWith('tessera_refresh='))!;
    expect(refresh).toMatch(/HttpOnly/);
    expect(refresh).toMatch(/SameSite=Strict/);
    expect(refresh).toMatch(/Path=\/auth(;|$)/);
    expect(cookies.find((line) => line.startsWith('tessera_csrf='))).toContain(`tessera_csrf=${payload.csrfToken}`);
    expect(events.map((event) => event.type)).toEqual(['signup']);
  });

  it('signUp and logIn with transport BODY return the refresh token and set no cookie', async () => {
    const { response, payload } = await signUp('BODY');
    expect(payload.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{64}$/);
    expect(response.headers.getSetCookie()).toEqual([]);
    const login = await logIn('BODY');
    expect(login.refreshToken).toMatch(/^[A-Za-z0-9_-]{22}\./);
    expect(login.user.email).toBe('ann@example.test');
  });

  it('a wrong password and an unknown email get the same invalid_credentials; a taken email is email_taken', async () => {
    await signUp();
    const wrong = await graphql(send, LOG_IN, { variables: { email: 'ann@example.test', password: 'not the password' } });
    const unknown = await graphql(send, LOG_IN, { variables: { email: 'nobody@example.test', password: PASSWORD } });
    expect(wrong.response.status).toBe(200);
    expect(wrong.body).toEqual({
      data: { logIn: null },
      errors: [{ message: 'The email or password is incorrect.', locations: [{ line: 2, column: 3 }], path: ['logIn'], extensions: { code: 'invalid_credentials' } }],
    });
    expect(unknown.body).toEqual(wrong.body);
    const taken = await graphql(send, SIGN_UP, { variables: { email: 'ANN@example.test', password: PASSWORD } });
    expect(codes(taken.body)).toEqual(['email_taken']);
    expect(events.filter((event) => event.type === 'login_failed').map((event) => (event as { reason: string }).reason)).toEqual(['wrong_password', 'unknown_email']);
  });

  it('refuses the same oversized or wrong input as the REST bodies', async () => {
    const long = await graphql(send, LOG_IN, { variables: { email: `${'a'.repeat(320)}@example.test`, password: PASSWORD } });
    expect(long.body.errors).toMatchObject([{ message: 'The field "email" is too long.', extensions: { code: 'invalid_request' } }]);
    const badEnum = await graphql(send, LOG_IN, { variables: { email: 'ann@example.test', password: PASSWORD, transport: 'SMOKE' } });
    expect(badEnum.response.status).toBe(400);
    expect(badEnum.body.data).toBeUndefined();
    expect(codes(badEnum.body)).toEqual(['invalid_request']);
  });
});

describe('me and sessions', () => {
  it('answer for the Bearer token; without one each field fails with invalid_token', async () => {
    const { payload } = await signUp();
    const second = await logIn();
    const { response, body } = await graphql(send, '{ me { id email name createdAt } sessions { id current createdAt lastUsedAt userAgent ip deviceBound } }', {
      headers: bearer(payload.accessToken),
    });
    expect(response.status).toBe(200);
    expect(body.data).toMatchObject({ me: { id: payload.user.id, email: 'ann@example.test', name: 'Ann' } });
    const sessions = (body.data as { sessions: { id: string; current: boolean; deviceBound: boolean }[] }).sessions;
    expect(sessions.map((session) => [session.id, session.current]).sort()).toEqual(
      [[sidOf(payload.accessToken), true], [sidOf(second.accessToken), false]].sort(),
    );
    // Logins without DPoP proofs: bearer sessions.
    expect(sessions.map((session) => session.deviceBound)).toEqual([false, false]);
    const anonymous = await graphql(send, '{ me { id } }');
    expect(anonymous.response.status).toBe(200);
    expect(anonymous.body).toMatchObject({ data: { me: null }, errors: [{ path: ['me'], extensions: { code: 'invalid_token' } }] });
  });

  it('an expired access token fails the whole request with 401 token_expired, so a client refreshes on exactly that', async () => {
    const { payload } = await signUp();
    t.clock.advance(901_000 + 5_000);
    const { response, body } = await graphql(send, '{ me { id } }', { headers: bearer(payload.accessToken) });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toBe(GRAPHQL_RESPONSE);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="tessera", error="invalid_token", error_description="The access token has expired."');
    expect(body).toEqual({ errors: [{ message: 'The access token has expired.', extensions: { code: 'token_expired' } }] });
  });

  it('a malformed Authorization header is 400 invalid_request, a forged token 401 invalid_token', async () => {
    const malformed = await graphql(send, '{ me { id } }', { headers: { authorization: 'Bearer a b' } });
    expect(malformed.response.status).toBe(400);
    expect(codes(malformed.body)).toEqual(['invalid_request']);
    const forged = await graphql(send, '{ me { id } }', { headers: bearer('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.') });
    expect(forged.response.status).toBe(401);
    expect(codes(forged.body)).toEqual(['invalid_token']);
  });
});

describe('refresh', () => {
  it('with a refreshToken argument rotates it and answers the new one in the body, no cookie', async () => {
    const { payload } = await signUp('BODY');
    const { response, body } = await graphql<{ refresh: AuthPayload }>(send, REFRESH, { variables: { refreshToken: payload.refreshToken } });
    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toEqual([]);
    expect(body.data!.refresh).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, csrfToken: payload.csrfToken });
    expect(body.data!.refresh.refreshToken).not.toBe(payload.refreshToken);
    t.clock.advance(11_000);
    const reused = await graphql(send, REFRESH, { variables: { refreshToken: payload.refreshToken } });
    expect(codes(reused.body)).toEqual(['invalid_grant']);
    expect(events.map((event) => event.type)).toContain('reuse_detected');
  });

  it('with the cookie at /auth/graphql (where browsers send it) and X-CSRF-Token: rotates the cookie, keeps the CSRF token', async () => {
    const { payload, jar } = await signUp();
    const { response, body } = await graphql<{ refresh: AuthPayload }>(send, REFRESH, {
      path: '/auth/graphql',
      headers: { cookie: cookieHeader(jar), 'x-csrf-token': payload.csrfToken, origin: ORIGIN },
    });
    expect(response.status).toBe(200);
    expect(body.data!.refresh).toMatchObject({ csrfToken: payload.csrfToken, refreshToken: null });
    const rotated = cookieJar(response);
    expect(rotated.tessera_refresh).toBeDefined();
    expect(rotated.tessera_refresh).not.toBe(jar.tessera_refresh);
    expect(events.map((event) => event.type)).toEqual(['signup', 'refresh']);
  });

  it('refuses a cookie refresh without the CSRF header, with a wrong one, or from a foreign origin, and changes nothing', async () => {
    const { payload, jar } = await signUp();
    const cookie = cookieHeader(jar);
    for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'A'.repeat(43) }, { cookie, 'x-csrf-token': payload.csrfToken, origin: 'https://evil.example' }]) {
      const { response, body } = await graphql(send, REFRESH, { path: '/auth/graphql', headers });
      expect(response.status).toBe(200);
      expect(body).toMatchObject({ data: { refresh: null }, errors: [{ path: ['refresh'], extensions: { code: 'csrf_failed' } }] });
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(events.map((event) => event.type)).toEqual(['signup']);
    const listed = await graphql(send, REFRESH, { path: '/auth/graphql', headers: { cookie, 'x-csrf-token': payload.csrfToken, origin: 'http://app.example.test:5173' } });
    expect(codes(listed.body)).toEqual([]);
  });

  it('a dead refresh cookie is invalid_grant and cleared; no credential at all is invalid_grant', async () => {
    const none = await graphql(send, REFRESH);
    expect(codes(none.body)).toEqual(['invalid_grant']);
    const { payload, jar } = await signUp();
    await t.runtime.auth.logoutWithRefreshToken(jar.tessera_refresh!);
    const { response, body } = await graphql(send, REFRESH, { path: '/auth/graphql', headers: { cookie: cookieHeader(jar), 'x-csrf-token': payload.csrfToken } });
    expect(codes(body)).toEqual(['invalid_grant']);
    expect(response.headers.getSetCookie().find((line) => line.startsWith('tessera_refresh='))).toMatch(/Max-Age=0/);
  });
});

describe('logOut, logOutAll, revokeSession, changePassword', () => {
  it('logOut with the cookie and X-CSRF-Token ends the session and clears the cookies; without the header it is refused', async () => {
    const { payload, jar } = await signUp();
    const refused = await graphql(send, 'mutation { logOut }', { path: '/auth/graphql', headers: { cookie: cookieHeader(jar) } });
    expect(codes(refused.body)).toEqual(['csrf_failed']);
    const foreign = await graphql(send, 'mutation { logOut }', {
      path: '/auth/graphql',
      headers: { cookie: cookieHeader(jar), 'x-csrf-token': payload.csrfToken, origin: 'https://evil.example' },
    });
    expect(codes(foreign.body)).toEqual(['csrf_failed']);
    expect((await graphql(send, '{ me { id } }', { headers: bearer(payload.accessToken) })).response.status).toBe(200);

    const { response, body } = await graphql(send, 'mutation { logOut }', { path: '/auth/graphql', headers: { cookie: cookieHeader(jar), 'x-csrf-token': payload.csrfToken } });
    expect(body).toEqual({ data: { logOut: true } });
    const cleared = response.headers.getSetCookie();
    expect(cleared.find((line) => line.startsWith('tessera_refresh='))).toMatch(/Max-Age=0.*Path=\/auth|Path=\/auth.*Max-Age=0/);
    expect(cleared.find((line) => line.startsWith('tessera_csrf='))).toMatch(/Max-Age=0/);
    // Revocation takes effect at once, not when the access token expires.
    const after = await graphql(send, '{ me { id } }', { headers: bearer(payload.accessToken) });
    expect(after.response.status).toBe(401);
    expect(codes(after.body)).toEqual(['invalid_token']);
  });

  it('logOut with a Bearer token or a refreshToken argument ends that session; with nothing it is a no-op', async () => {
    expect((await graphql(send, 'mutation { logOut }')).body).toEqual({ data: { logOut: true } });
    const { payload } = await signUp('BODY');
    const second = await logIn('BODY');
    expect((await graphql(send, 'mutation { logOut }', { headers: bearer(payload.accessToken) })).body).toEqual({ data: { logOut: true } });
    expect((await graphql(send, '{ me { id } }', { headers: bearer(payload.accessToken) })).response.status).toBe(401);
    const byToken = await graphql(send, 'mutation($t: String) { logOut(refreshToken: $t) }', { variables: { t: second.refreshToken } });
    expect(byToken.body).toEqual({ data: { logOut: true } });
    expect(codes((await graphql(send, REFRESH, { variables: { refreshToken: second.refreshToken } })).body)).toEqual(['invalid_grant']);
    expect(events.filter((event) => event.type === 'logout')).toHaveLength(2);
  });

  it('revokeSession ends another session at once; a session that is not the caller\'s is not_found', async () => {
    const { payload } = await signUp('BODY');
    const phone = await logIn('BODY');
    const { body } = await graphql(send, 'mutation($id: ID!) { revokeSession(id: $id) }', { variables: { id: sidOf(phone.accessToken) }, headers: bearer(payload.accessToken) });
    expect(body).toEqual({ data: { revokeSession: true } });
    expect(codes((await graphql(send, '{ me { id } }', { headers: bearer(phone.accessToken) })).body)).toEqual(['invalid_token']);
    const bob = (await signUp('BODY', 'bob@example.test')).payload;
    const foreign = await graphql(send, 'mutation($id: ID!) { revokeSession(id: $id) }', { variables: { id: sidOf(bob.accessToken) }, headers: bearer(payload.accessToken) });
    expect(codes(foreign.body)).toEqual(['not_found']);
    expect((await graphql(send, '{ me { id } }', { headers: bearer(bob.accessToken) })).response.status).toBe(200);
    expect(events.find((event) => event.type === 'session_revoked')).toMatchObject({ sessionId: sidOf(phone.accessToken), reason: 'deleted' });
  });

  it('logOutAll ends every session of the caller', async () => {
    const { payload } = await signUp('BODY');
    const phone = await logIn('BODY');
    const { response, body } = await graphql(send, 'mutation { logOutAll }', { headers: bearer(payload.accessToken) });
    expect(body).toEqual({ data: { logOutAll: true } });
    expect(response.headers.getSetCookie().find((line) => line.startsWith('tessera_refresh='))).toMatch(/Max-Age=0/);
    for (const token of [payload.accessToken, phone.accessToken]) {
      expect(codes((await graphql(send, '{ me { id } }', { headers: bearer(token) })).body)).toEqual(['invalid_token']);
    }
    expect(events.map((event) => event.type)).toContain('logout_all');
    expect(codes((await graphql(send, 'mutation { logOutAll }')).body)).toEqual(['invalid_token']);
  });

  it('changePassword checks the current password and ends every other session', async () => {
    const { payload } = await signUp('BODY');
    const phone = await logIn('BODY');
    const change = 'mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }';
    const wrong = await graphql(send, change, { variables: { c: 'not the password', n: 'a new password 1' }, headers: bearer(payload.accessToken) });
    expect(wrong.body.errors).toMatchObject([{ message: 'The current password is incorrect.', extensions: { code: 'invalid_request' } }]);
    const ok = await graphql(send, change, { variables: { c: PASSWORD, n: 'a new password 1' }, headers: bearer(payload.accessToken) });
    expect(ok.body).toEqual({ data: { changePassword: true } });
    expect((await graphql(send, '{ me { id } }', { headers: bearer(payload.accessToken) })).response.status).toBe(200);
    expect(codes((await graphql(send, '{ me { id } }', { headers: bearer(phone.accessToken) })).body)).toEqual(['invalid_token']);
    const relogin = await graphql(send, LOG_IN, { variables: { email: 'ann@example.test', password: 'a new password 1' } });
    expect(codes(relogin.body)).toEqual([]);
    expect(events.map((event) => event.type)).toContain('password_changed');
  });
});

describe('CORS', () => {
  it('grants credentials to exactly the listed origins, at /graphql and /auth/graphql', async () => {
    for (const path of ['/graphql', '/auth/graphql']) {
      const preflight = (origin: string) =>
        send(path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization, x-csrf-token' } });
      const listed = await preflight('http://app.example.test:5173');
      expect(listed.status, path).toBe(204);
      expect(listed.headers.get('access-control-allow-origin')).toBe('http://app.example.test:5173');
      expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
      expect(listed.headers.get('access-control-allow-headers')).toMatch(/X-CSRF-Token/i);
      const unlisted = await preflight('https://evil.example');
      expect(unlisted.headers.get('access-control-allow-origin')).toBeNull();
      const { response } = await graphql(send, '{ __typename }', { path, headers: { origin: 'https://evil.example' } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('audit events', () => {
  it('carry the client info of the GraphQL request, as over REST', async () => {
    await graphql(send, SIGN_UP, { variables: { email: 'ann@example.test', password: PASSWORD }, headers: { 'user-agent': 'graphql-test/1.0' } });
    await graphql(send, LOG_IN, { variables: { email: 'ann@example.test', password: 'wrong password!' }, headers: { 'user-agent': 'graphql-test/1.0' } });
    expect(events).toMatchObject([
      { type: 'signup', email: 'ann@example.test', userAgent: 'graphql-test/1.0' },
      { type: 'login_failed', email: 'ann@example.test', reason: 'wrong_password', userAgent: 'graphql-test/1.0' },
    ]);
    expect(JSON.stringify(events)).not.toContain(PASSWORD);
  });
});
