import { describe, expect, it } from 'vitest';
import { failure } from '../../test/helpers.js';
import { TesseraError } from '../errors.js';
import type { AuthEvent } from './events.js';
import type { AbuseLimits, LimitedAction } from './limits.js';
import { createTestAuth, PASSWORD, T0 } from '../../test/auth-harness.js';

const CLIENT = { ip: '203.0.113.9', userAgent: 'test-agent/1.0' };

/** Counts like the server's limits, in a few lines: `maxFailures` wrong passwords per email, then 429. */
function fakeLimits(maxFailures: number, refused: LimitedAction[] = []) {
  const failures = new Map<string, number>();
  const limits: AbuseLimits = {
    async hit(action) {
      if (refused.includes(action)) throw new TesseraError('rate_limited', undefined, { retryAfter: 42 });
    },
    async passwordAttempt(email) {
      const count = (failures.get(email) ?? 0) + 1;
      if (count > maxFailures) throw new TesseraError('rate_limited', undefined, { retryAfter: 600 });
      failures.set(email, count);
      return {
        failed: () => (count === maxFailures ? { lockedForSeconds: 900 } : null),
        succeeded: async () => void failures.delete(email),
      };
    },
    async mailToAccount() {
      return null;
    },
  };
  return limits;
}

describe('audit events', () => {
  it('records a whole session life: signup, logins, refreshes, reuse, logout, logout-all, delete, password change', async () => {
    const events: AuthEvent[] = [];
    const { auth, clock } = await createTestAuth({}, { onEvent: (event) => events.push(event) });
    const types = () => events.map((event) => event.type);

    const signedUp = await auth.signup({ email: 'Ann@Example.test', password: PASSWORD }, CLIENT);
    expect(events[0]).toEqual({
      type: 'signup', at: new Date(T0).toISOString(), ip: CLIENT.ip, userAgent: CLIENT.userAgent,
      userId: signedUp.user.id, email: 'ann@example.test', sessionId: signedUp.tokens.sessionId,
    });
    await failure(auth.login({ email: 'ann@example.test', password: 'wrong password!' }, CLIENT));
    await failure(auth.login({ email: 'nobody@example.test', password: PASSWORD }, CLIENT));
    expect(events.slice(1)).toMatchObject([
      { type: 'login_failed', email: 'ann@example.test', userId: signedUp.user.id, reason: 'wrong_password', ip: CLIENT.ip },
      { type: 'login_failed', email: 'nobody@example.test', userId: null, reason: 'unknown_email' },
    ]);
    const second = await auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
    const rotated = await auth.refresh(second.tokens.refreshToken, CLIENT);
    await auth.refresh(second.tokens.refreshToken, CLIENT); // within the grace window
    clock.advance(11_000);
    await failure(auth.refresh(second.tokens.refreshToken, CLIENT));
    expect(events.slice(3)).toMatchObject([
      { type: 'login_succeeded', userId: signedUp.user.id, sessionId: second.tokens.sessionId },
      { type: 'refresh', sessionId: second.tokens.sessionId, grace: false },
      { type: 'refresh', sessionId: second.tokens.sessionId, grace: true },
      { type: 'reuse_detected', userId: signedUp.user.id, sessionId: second.tokens.sessionId, sessionRevoked: true },
    ]);

    const third = await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.logoutWithRefreshToken(third.tokens.refreshToken, CLIENT);
    await auth.logoutWithRefreshToken(third.tokens.refreshToken, CLIENT); // already over: no second event
    const claims = auth.verifyAccessToken(signedUp.tokens.accessToken);
    const fourth = await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.deleteSession(claims, fourth.tokens.sessionId, CLIENT);
    await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    await auth.changePassword(claims, PASSWORD, 'a new password 1', CLIENT);
    await auth.logoutAll(claims, CLIENT);
    expect(types().slice(7)).toEqual(['login_succeeded', 'logout', 'login_succeeded', 'session_revoked', 'login_succeeded', 'password_changed', 'logout_all']);
    expect(events.find((e) => e.type === 'password_changed')).toMatchObject({ userId: signedUp.user.id, sessionId: claims.sid, sessionsRevoked: 1 });
    expect(events.find((e) => e.type === 'logout_all')).toMatchObject({ sessionsRevoked: 1 });

    const secrets = [PASSWORD, 'a new password 1', 'wrong password!', signedUp.tokens.accessToken, signedUp.tokens.refreshToken, rotated.refreshToken,
      second.tokens.refreshToken.split('.')[1]!, signedUp.tokens.csrfToken];
    const text = JSON.stringify(events);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('$argon2');
  });

  it("records an operator's actions: a session revoked for them (its tokens refused at once) and what the host reports", async () => {
    const events: AuthEvent[] = [];
    const { auth } = await createTestAuth({}, { onEvent: (event) => events.push(event) });
    const { user, tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
    events.length = 0;
    expect(await auth.revokeSession(tokens.sessionId)).toBe(true);
    expect(await auth.revokeSession(tokens.sessionId)).toBe(false);
    expect(() => auth.verifyAccessToken(tokens.accessToken)).toThrow(/revoked/);
    auth.record({ type: 'key_revoked', kid: 'leaked-kid', rotatedTo: 'new-kid' });
    expect(events).toEqual([
      { type: 'session_revoked', at: new Date(T0).toISOString(), ip: null, userAgent: null, userId: user.id, sessionId: tokens.sessionId, reason: 'admin' },
      { type: 'key_revoked', at: new Date(T0).toISOString(), ip: null, userAgent: null, kid: 'leaked-kid', rotatedTo: 'new-kid' },
    ]);
  });

  it('a listener that throws changes nothing about the operation', async () => {
    const { auth } = await createTestAuth({}, { onEvent: () => { throw new Error('log sink down'); } });
    const seen: string[] = [];
    const off = auth.onEvent((event) => seen.push(event.type));
    await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    off();
    await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    expect(seen).toEqual(['signup']);
  });
});

describe('every failed credential check is recorded', () => {
  it('records refresh tokens that get nothing: a forged one, one of an ended session, one of a deleted account', async () => {
    const events: AuthEvent[] = [];
    const { auth, clock, stores } = await createTestAuth({}, { onEvent: (event) => events.push(event) });
    const { user, tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
    events.length = 0;
    const forged = `${tokens.sessionId}.${'A'.repeat(64)}`;
    expect((await failure(auth.refresh(forged, CLIENT))).code).toBe('invalid_grant');
    expect((await failure(auth.refresh('not a token', CLIENT))).code).toBe('invalid_grant');
    clock.advance(15 * 86400 * 1000);
    expect((await failure(auth.refresh(tokens.refreshToken, CLIENT))).code).toBe('invalid_grant');
    const bob = await auth.signup({ email: 'bob@example.test', password: PASSWORD }, CLIENT);
    // The store has no delete; an operator removing the row by hand looks like this to the core.
    const findUserById = stores.users.findUserById.bind(stores.users);
    stores.users.findUserById = async (id) => (id === bob.user.id ? null : findUserById(id));
    expect((await failure(auth.refresh(bob.tokens.refreshToken, CLIENT))).code).toBe('invalid_grant');
    const at = new Date(clock.now()).toISOString();
    const start = new Date(T0).toISOString();
    expect(events.filter((e) => e.type === 'refresh_failed')).toEqual([
      { type: 'refresh_failed', at: start, ip: CLIENT.ip, userAgent: CLIENT.userAgent, sessionId: null, userId: null, reason: 'invalid_token' },
      { type: 'refresh_failed', at: start, ip: CLIENT.ip, userAgent: CLIENT.userAgent, sessionId: null, userId: null, reason: 'invalid_token' },
      { type: 'refresh_failed', at, ip: CLIENT.ip, userAgent: CLIENT.userAgent, sessionId: tokens.sessionId, userId: user.id, reason: 'session_ended' },
      { type: 'refresh_failed', at, ip: CLIENT.ip, userAgent: CLIENT.userAgent, sessionId: bob.tokens.sessionId, userId: bob.user.id, reason: 'account_deleted' },
    ]);
  });

  it('records a wrong current password on a password change like a wrong login, with the session that guessed', async () => {
    const events: AuthEvent[] = [];
    const { auth } = await createTestAuth({}, { onEvent: (event) => events.push(event) });
    const { user, tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
    const claims = auth.verifyAccessToken(tokens.accessToken);
    for (let i = 0; i < 3; i += 1) expect((await failure(auth.changePassword(claims, 'wrong password!', 'a new password 1', CLIENT))).code).toBe('invalid_request');
    expect(events.filter((e) => e.type === 'password_change_failed')).toEqual(new Array(3).fill({
      type: 'password_change_failed', at: new Date(T0).toISOString(), ip: CLIENT.ip, userAgent: CLIENT.userAgent,
      userId: user.id, email: 'ann@example.test', sessionId: tokens.sessionId, reason: 'wrong_password',
    }));
    expect(JSON.stringify(events)).not.toContain('wrong password!');
  });
});

describe('lockout and limits as the core applies them', () => {
  it('locks an account after its failures, refuses even the right password, and says so once in the log', async () => {
    const events: AuthEvent[] = [];
    const { auth } = await createTestAuth({}, { limits: fakeLimits(3), onEvent: (event) => events.push(event) });
    await auth.signup({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
    for (let i = 0; i < 3; i += 1) expect((await failure(auth.login({ email: 'ann@example.test', password: 'wrong password!' }, CLIENT))).code).toBe('invalid_credentials');
    const locked = await failure(auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT));
    expect(locked.code).toBe('rate_limited');
    expect(locked.retryAfter).toBe(600);
    expect(events.filter((e) => e.type === 'lockout')).toMatchObject([{ email: 'ann@example.test', retryAfterSeconds: 900 }]);
    expect(events.at(-1)).toMatchObject({ type: 'login_failed', reason: 'rate_limited' });
  });

  it('counts unknown emails exactly like real ones, and a right password starts the count again', async () => {
    const { auth } = await createTestAuth({}, { limits: fakeLimits(2) });
    await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    await failure(auth.login({ email: 'ann@example.test', password: 'wrong password!' }, {}));
    await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    await failure(auth.login({ email: 'ann@example.test', password: 'wrong password!' }, {}));
    await auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    for (let i = 0; i < 2; i += 1) await failure(auth.login({ email: 'nobody@example.test', password: PASSWORD }, {}));
    expect((await failure(auth.login({ email: 'nobody@example.test', password: PASSWORD }, {}))).code).toBe('rate_limited');
  });

  it('a wrong current password on a password change draws on the same budget as logins', async () => {
    const { auth } = await createTestAuth({}, { limits: fakeLimits(2) });
    const { tokens } = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const claims = auth.verifyAccessToken(tokens.accessToken);
    await failure(auth.login({ email: 'ann@example.test', password: 'wrong password!' }, {}));
    expect((await failure(auth.changePassword(claims, 'wrong password!', 'a new password 1'))).code).toBe('invalid_request');
    expect((await failure(auth.changePassword(claims, PASSWORD, 'a new password 1'))).code).toBe('rate_limited');
  });

  it('refuses a flooded action before doing anything and logs it', async () => {
    const events: AuthEvent[] = [];
    const { auth, stores } = await createTestAuth({}, { limits: fakeLimits(10, ['signup']), onEvent: (event) => events.push(event) });
    const refused = await failure(auth.signup({ email: 'ann@example.test', password: PASSWORD }, CLIENT));
    expect(refused.code).toBe('rate_limited');
    expect(await stores.users.findUserByEmail('ann@example.test')).toBeNull();
    expect(events).toMatchObject([{ type: 'rate_limited', action: 'signup', retryAfterSeconds: 42, ip: CLIENT.ip }]);
  });

  it('refuses a common password or the email as password on signup and on a password change', async () => {
    const { auth } = await createTestAuth();
    expect((await failure(auth.signup({ email: 'ann@example.test', password: 'iloveyou1' }, {}))).message).toMatch(/most common passwords/);
    expect((await failure(auth.signup({ email: 'annabelle@example.test', password: 'Annabelle@example.test' }, {}))).message).toMatch(/email address/);
    const { tokens } = await auth.signup({ email: 'annabelle@example.test', password: PASSWORD }, {});
    const claims = auth.verifyAccessToken(tokens.accessToken);
    expect((await failure(auth.changePassword(claims, PASSWORD, 'password1'))).message).toMatch(/most common passwords/);
    expect((await failure(auth.changePassword(claims, PASSWORD, 'annabelle'))).message).toMatch(/email address/);
  });
});
