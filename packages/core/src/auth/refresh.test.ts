import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { parseRefreshToken } from '../session/refresh-token.js';
import { createTestAuth, PASSWORD } from './harness.testkit.js';

async function signedUp() {
  const harness = await createTestAuth();
  const { user, tokens } = await harness.auth.signup({ email: 'ann@example.test', password: PASSWORD }, { userAgent: 'test', ip: '127.0.0.1' });
  return { ...harness, user, tokens };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof TesseraError) return error.code;
    throw error;
  }
}

function codeOfSync(run: () => unknown): string {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof TesseraError) return error.code;
    throw error;
  }
}

describe('refresh rotation', () => {
  it('rotates on every use: the new token works, the response carries a new access token', async () => {
    const { auth, clock, tokens } = await signedUp();
    clock.advance(60_000);
    const next = await auth.refresh(tokens.refreshToken);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next.sessionId).toBe(tokens.sessionId);
    expect(auth.verifyAccessToken(next.accessToken).sid).toBe(tokens.sessionId);
    clock.advance(60_000);
    const third = await auth.refresh(next.refreshToken);
    expect(third.refreshToken).not.toBe(next.refreshToken);
  });

  it('answers a just-superseded token inside the grace window with the same successor, without revoking', async () => {
    const { auth, clock, tokens } = await signedUp();
    const first = await auth.refresh(tokens.refreshToken);
    clock.advance(9_000);
    const again = await auth.refresh(tokens.refreshToken);
    expect(again.refreshToken).toBe(first.refreshToken);
    expect(auth.verifyAccessToken(again.accessToken).sid).toBe(tokens.sessionId);
    expect(await codeOf(auth.refresh(first.refreshToken))).toBe('ok');
  });

  it('treats the superseded token after the grace window as reuse: the session and its access tokens die', async () => {
    const { auth, clock, tokens, revokedEvents } = await signedUp();
    const first = await auth.refresh(tokens.refreshToken);
    clock.advance(11_000);
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('invalid_grant');
    expect(await codeOf(auth.refresh(first.refreshToken))).toBe('invalid_grant');
    expect(codeOfSync(() => auth.verifyAccessToken(first.accessToken))).toBe('invalid_token');
    expect(codeOfSync(() => auth.verifyAccessToken(tokens.accessToken))).toBe('invalid_token');
    expect(revokedEvents).toEqual([[tokens.sessionId]]);
  });

  it('detects reuse of a token two generations old, even inside the grace window', async () => {
    const { auth, clock, tokens } = await signedUp();
    const first = await auth.refresh(tokens.refreshToken);
    clock.advance(1_000);
    const second = await auth.refresh(first.refreshToken);
    clock.advance(1_000);
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('invalid_grant');
    expect(await codeOf(auth.refresh(second.refreshToken))).toBe('invalid_grant');
  });

  it('20 parallel refreshes with one token all succeed and leave exactly one live successor', async () => {
    const { auth, clock, tokens } = await signedUp();
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.refresh(tokens.refreshToken)));
    const successors = new Set(results.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    for (const result of results) expect(auth.verifyAccessToken(result.accessToken).sid).toBe(tokens.sessionId);
    clock.advance(11_000);
    const [successor] = successors;
    expect(await codeOf(auth.refresh(successor!))).toBe('ok');
  });

  it('refuses a forged secret for a real session id without revoking the session', async () => {
    const { auth, tokens } = await signedUp();
    const forged = `${tokens.sessionId}.${Buffer.alloc(48, 1).toString('base64url')}`;
    expect(await codeOf(auth.refresh(forged))).toBe('invalid_grant');
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('ok');
  });

  it('refuses an access token sent as a refresh token, and malformed strings', async () => {
    const { auth, tokens } = await signedUp();
    for (const bad of [tokens.accessToken, '', 'x', `${tokens.refreshToken}=`, ` ${tokens.refreshToken}`, tokens.refreshToken.toUpperCase()]) {
      expect(await codeOf(auth.refresh(bad))).toBe('invalid_grant');
    }
  });

  it('ends a session that sat idle past the refresh lifetime, and every session at its absolute lifetime', async () => {
    const idle = await signedUp();
    idle.clock.advance(14 * 86400_000 + 1);
    expect(await codeOf(idle.auth.refresh(idle.tokens.refreshToken))).toBe('invalid_grant');

    const busy = await signedUp();
    let token = busy.tokens.refreshToken;
    for (let day = 0; day < 29; day += 1) {
      busy.clock.advance(86400_000);
      token = (await busy.auth.refresh(token)).refreshToken;
    }
    busy.clock.advance(86400_000 + 1);
    expect(await codeOf(busy.auth.refresh(token))).toBe('invalid_grant');
  });

  it('stores only a hash of the secret', async () => {
    const { stores, tokens } = await signedUp();
    const parsed = parseRefreshToken(tokens.refreshToken)!;
    const session = await stores.sessions.findSession(parsed.sessionId);
    expect(JSON.stringify(session)).not.toContain(parsed.secret.toString('base64url'));
  });

  it('checks the CSRF token against the session it belongs to', async () => {
    const one = await signedUp();
    const other = await one.auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    expect(() => one.auth.checkRefreshCsrf(one.tokens.refreshToken, one.tokens.csrfToken)).not.toThrow();
    expect(codeOfSync(() => one.auth.checkRefreshCsrf(one.tokens.refreshToken, other.tokens.csrfToken))).toBe('csrf_failed');
    expect(codeOfSync(() => one.auth.checkRefreshCsrf(one.tokens.refreshToken, undefined))).toBe('csrf_failed');
  });

  it('does not rotate when the user store is down, so the retry is not mistaken for reuse', async () => {
    const { auth, clock, stores, tokens } = await signedUp();
    const findUserById = stores.users.findUserById.bind(stores.users);
    stores.users.findUserById = async () => {
      throw new TesseraError('unavailable');
    };
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('unavailable');
    stores.users.findUserById = findUserById;
    clock.advance(11_000); // past the grace window: a rotated token would now count as reuse
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('ok');
  });
});
