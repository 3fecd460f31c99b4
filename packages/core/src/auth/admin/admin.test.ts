import { describe, expect, it } from 'vitest';
import { TesseraError } from '../../errors.js';
import type { AuthEvent } from '../events.js';
import { createTestAuth, PASSWORD, T0 } from '../../../test/auth-harness.js';
import { codeOf, codeOfSync as verifyCode } from '../../../test/helpers.js';
import { createUser } from '../signup.js';
import type { AdminActor } from './actor.js';

const CLIENT = { ip: '203.0.113.9', userAgent: 'admin-console/1.0' };
const OPERATOR: AdminActor = { kind: 'operator' };



/** An auth core with an administrator (logged in) and a user with two sessions. */
async function setUp(options: Parameters<typeof createTestAuth>[1] = {}) {
  const events: AuthEvent[] = [];
  const harness = await createTestAuth({}, { onEvent: (event) => events.push(event), ...options });
  const { auth } = harness;
  await createUser(auth.context, { email: 'root@example.test', password: PASSWORD, name: 'Root', roles: ['admin'] });
  const root = await auth.login({ email: 'root@example.test', password: PASSWORD }, CLIENT);
  const admin: AdminActor = { kind: 'token', claims: auth.verifyAccessToken(root.tokens.accessToken) };
  harness.clock.advance(1000);
  const ann = await auth.signup({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
  const annAgain = await auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
  events.length = 0;
  return { ...harness, events, admin, root, ann, annSessions: [ann.tokens, annAgain.tokens] };
}

describe('admin: who may act', () => {
  it('refuses a token without the admin role with 403 insufficient_scope, and changes nothing', async () => {
    const { auth, ann, stores, events } = await setUp();
    const user: AdminActor = { kind: 'token', claims: auth.verifyAccessToken(ann.tokens.accessToken) };
    for (const attempt of [
      auth.admin.searchUsers(user, {}),
      auth.admin.disableUser(user, ann.user.id),
      auth.admin.enableUser(user, ann.user.id),
      auth.admin.setUserRoles(user, ann.user.id, ['admin']),
      auth.admin.forceLogout(user, ann.user.id),
    ]) {
      expect(await codeOf(attempt)).toBe('insufficient_scope');
    }
    const stored = await stores.users.findUserById(ann.user.id);
    expect(stored?.roles).toEqual([]);
    expect(stored?.disabledAt).toBeNull();
    expect(await stores.sessions.listUserSessions(ann.user.id, new Date(T0 + 2000))).toHaveLength(2);
    expect(events).toEqual([]);
  });

  it('refuses an admin token whose user has lost the role or been disabled since it was issued', async () => {
    const { auth, admin, root, stores, ann } = await setUp();
    await stores.users.updateUserRoles(root.user.id, [], new Date(T0));
    expect(await codeOf(auth.admin.searchUsers(admin, {}))).toBe('insufficient_scope');
    await stores.users.updateUserRoles(root.user.id, ['admin'], new Date(T0));
    expect(await codeOf(auth.admin.searchUsers(admin, {}))).toBe('ok');
    await stores.users.setUserDisabled(root.user.id, new Date(T0), new Date(T0));
    expect(await codeOf(auth.admin.disableUser(admin, ann.user.id))).toBe('invalid_token');
    expect((await stores.users.findUserById(ann.user.id))?.disabledAt).toBeNull();
  });

  it('needs the role in the token itself: a user promoted since the token was issued must refresh first', async () => {
    const { auth, ann, stores } = await setUp();
    await stores.users.updateUserRoles(ann.user.id, ['admin'], new Date(T0));
    const stale: AdminActor = { kind: 'token', claims: auth.verifyAccessToken(ann.tokens.accessToken) };
    expect(await codeOf(auth.admin.searchUsers(stale, {}))).toBe('insufficient_scope');
    const refreshed = await auth.refresh(ann.tokens.refreshToken);
    const fresh: AdminActor = { kind: 'token', claims: auth.verifyAccessToken(refreshed.accessToken) };
    expect(await codeOf(auth.admin.searchUsers(fresh, {}))).toBe('ok');
  });

  it('counts admin requests against the per-address limit (the operator at the shell is not limited)', async () => {
    const { auth, admin } = await setUp({
      limits: {
        hit: async (action) => {
          if (action === 'admin') throw new TesseraError('rate_limited', undefined, { retryAfter: 30 });
        },
        passwordAttempt: async () => ({ failed: () => null, succeeded: async () => {} }),
        mailToAccount: async () => null,
      },
    });
    const refused = await auth.admin.searchUsers(admin, {}, CLIENT).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TesseraError);
    expect((refused as TesseraError).code).toBe('rate_limited');
    expect((refused as TesseraError).retryAfter).toBe(30);
    expect((await auth.admin.searchUsers(OPERATOR, {})).users).toHaveLength(2);
  });
});

describe('admin: disable and enable', () => {
  it('disables a user: every session revoked at once, login refused, the email stays taken, one audit event', async () => {
    const { auth, admin, root, ann, annSessions, clock, events, revokedEvents, stores } = await setUp();
    clock.advance(60_000);
    const { user: view, sessionsRevoked } = await auth.admin.disableUser(admin, ann.user.id, CLIENT);
    expect(sessionsRevoked).toBe(2);
    const disabledAt = new Date(clock.now()).toISOString();
    expect(view).toEqual({
      id: ann.user.id, email: 'ann@example.test', name: null, roles: [],
      createdAt: ann.user.createdAt.toISOString(), updatedAt: disabledAt, disabledAt,
    });
    expect(events).toEqual([
      { type: 'user_disabled', at: disabledAt, ip: CLIENT.ip, userAgent: CLIENT.userAgent, actorId: root.user.id, userId: ann.user.id, alreadyDisabled: false, sessionsRevoked: 2 },
    ]);
    expect(revokedEvents.at(-1)?.sort()).toEqual(annSessions.map((s) => s.sessionId).sort());
    // Access tokens that have not expired are refused on the very next request, not in 15 minutes.
    for (const tokens of annSessions) {
      expect(verifyCode(() => auth.verifyAccessToken(tokens.accessToken))).toBe('invalid_token');
      expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('invalid_grant');
    }
    // The right password is told the account is disabled; a wrong one gets the answer any wrong guess gets.
    expect(await codeOf(auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT))).toBe('account_disabled');
    expect(await codeOf(auth.login({ email: 'ann@example.test', password: 'wrong horse battery' }, CLIENT))).toBe('invalid_credentials');
    expect(await codeOf(auth.signup({ email: 'ANN@example.test', password: PASSWORD }, CLIENT))).toBe('email_taken');
    expect(events.filter((e) => e.type === 'login_failed').map((e) => (e as { reason: string }).reason)).toEqual(['account_disabled', 'wrong_password']);
    expect(await stores.sessions.listUserSessions(ann.user.id, new Date(clock.now()))).toEqual([]);
    // The administrator's own session is untouched.
    expect(verifyCode(() => auth.verifyAccessToken(root.tokens.accessToken))).toBe('ok');
  });

  it('disabling again changes nothing but still ends a session opened in between, and says so', async () => {
    const { auth, admin, ann, clock, events, stores } = await setUp();
    const { user: first } = await auth.admin.disableUser(admin, 'ann@example.test');
    // A login that passed its checks just before the disable may still have opened a session.
    await stores.users.setUserDisabled(ann.user.id, null, new Date(clock.now()));
    const late = await auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
    await stores.users.setUserDisabled(ann.user.id, new Date(first.disabledAt!), new Date(clock.now()));
    clock.advance(5000);
    const { user: again } = await auth.admin.disableUser(admin, ann.user.id);
    expect(again.disabledAt).toBe(first.disabledAt);
    expect(events.at(-1)).toMatchObject({ type: 'user_disabled', alreadyDisabled: true, sessionsRevoked: 1 });
    expect(verifyCode(() => auth.verifyAccessToken(late.tokens.accessToken))).toBe('invalid_token');
  });

  it('a login whose password check races the disable gets no usable session', async () => {
    const { auth, ann, clock, stores } = await setUp();
    const createSession = stores.sessions.createSession.bind(stores.sessions);
    // The disable lands after login read the (enabled) account and before its session is stored.
    stores.sessions.createSession = async (session) => {
      await auth.admin.disableUser(OPERATOR, ann.user.id);
      await createSession(session);
    };
    expect(await codeOf(auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT))).toBe('account_disabled');
    expect(await stores.sessions.listUserSessions(ann.user.id, new Date(clock.now()))).toEqual([]);
  });

  it('refreshing a live session of a disabled user fails, revokes the session and its access tokens', async () => {
    const { auth, ann, clock, events, stores } = await setUp();
    // The flag set, but the session left alive (a login that raced the disable).
    await stores.users.setUserDisabled(ann.user.id, new Date(clock.now()), new Date(clock.now()));
    expect(await codeOf(auth.refresh(ann.tokens.refreshToken, CLIENT))).toBe('invalid_grant');
    expect(events.at(-1)).toMatchObject({ type: 'refresh_failed', sessionId: ann.tokens.sessionId, userId: ann.user.id, reason: 'account_disabled' });
    expect(verifyCode(() => auth.verifyAccessToken(ann.tokens.accessToken))).toBe('invalid_token');
    expect((await stores.sessions.findSession(ann.tokens.sessionId))?.revokedReason).toBe('account_disabled');
  });

  it('enables a user again: login works, the old sessions stay revoked', async () => {
    const { auth, admin, ann, clock, events } = await setUp();
    await auth.admin.disableUser(admin, ann.user.id);
    clock.advance(60_000);
    const view = await auth.admin.enableUser(admin, ann.user.id);
    expect(view.disabledAt).toBeNull();
    expect(view.updatedAt).toBe(new Date(clock.now()).toISOString());
    expect(events.at(-1)).toMatchObject({ type: 'user_enabled', actorId: admin.kind === 'token' ? admin.claims.sub : null, userId: ann.user.id, alreadyEnabled: false });
    expect(await codeOf(auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT))).toBe('ok');
    expect(await codeOf(auth.refresh(ann.tokens.refreshToken))).toBe('invalid_grant');
    await auth.admin.enableUser(OPERATOR, ann.user.id);
    expect(events.at(-1)).toMatchObject({ type: 'user_enabled', actorId: null, alreadyEnabled: true });
  });

  it('will not let an administrator disable their own account; the operator can', async () => {
    const { auth, admin, root } = await setUp();
    expect(await codeOf(auth.admin.disableUser(admin, root.user.id))).toBe('invalid_request');
    expect((await auth.admin.disableUser(OPERATOR, 'root@example.test')).user.disabledAt).not.toBeNull();
  });

  it('answers 404 not_found for an unknown id or email, and 400 for a malformed email', async () => {
    const { auth, admin } = await setUp();
    expect(await codeOf(auth.admin.disableUser(admin, 'no-such-id'))).toBe('not_found');
    expect(await codeOf(auth.admin.enableUser(admin, 'nobody@example.test'))).toBe('not_found');
    expect(await codeOf(auth.admin.forceLogout(admin, 'x'.repeat(300)))).toBe('not_found');
    expect(await codeOf(auth.admin.setUserRoles(admin, '', []))).toBe('not_found');
    expect(await codeOf(auth.admin.disableUser(admin, 'two@@example.test'))).toBe('invalid_request');
  });
});

describe('admin: roles', () => {
  it('sets roles: new tokens carry them, existing sessions pick them up at their next refresh', async () => {
    const { auth, admin, root, ann, clock, events } = await setUp();
    clock.advance(1000);
    const view = await auth.admin.setUserRoles(admin, ann.user.id, ['support', 'billing', 'support'], CLIENT);
    expect(view.roles).toEqual(['support', 'billing']);
    expect(events).toEqual([
      { type: 'user_roles_changed', at: new Date(clock.now()).toISOString(), ip: CLIENT.ip, userAgent: CLIENT.userAgent, actorId: root.user.id, userId: ann.user.id, before: [], after: ['support', 'billing'] },
    ]);
    // An access token already issued keeps the roles it was signed with…
    expect(auth.verifyAccessToken(ann.tokens.accessToken).roles).toEqual([]);
    // …the session's next refresh reloads the user…
    const refreshed = await auth.refresh(ann.tokens.refreshToken);
    expect(auth.verifyAccessToken(refreshed.accessToken).roles).toEqual(['support', 'billing']);
    // …and a new login has them at once.
    const login = await auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT);
    expect(auth.verifyAccessToken(login.tokens.accessToken).roles).toEqual(['support', 'billing']);
    await auth.admin.setUserRoles(admin, ann.user.id, []);
    expect(auth.verifyAccessToken((await auth.refresh(refreshed.refreshToken)).accessToken).roles).toEqual([]);
  });

  it('refuses bad role lists with 400 invalid_request, writing nothing', async () => {
    const { auth, admin, ann, stores } = await setUp();
    for (const roles of [['has space'], [''], ['-lead'], ['é'], ['x'.repeat(41)], Array.from({ length: 17 }, (_, i) => `r${i}`), Array.from({ length: 16 }, (_, i) => `${'r'.repeat(30)}${i}`)]) {
      expect(await codeOf(auth.admin.setUserRoles(admin, ann.user.id, roles)), JSON.stringify(roles)).toBe('invalid_request');
    }
    expect((await stores.users.findUserById(ann.user.id))?.roles).toEqual([]);
  });

  it('will not let an administrator drop their own admin role, but lets them add roles to themselves', async () => {
    const { auth, admin, root } = await setUp();
    expect(await codeOf(auth.admin.setUserRoles(admin, root.user.id, ['support']))).toBe('invalid_request');
    expect((await auth.admin.setUserRoles(admin, root.user.id, ['admin', 'support'])).roles).toEqual(['admin', 'support']);
  });
});

describe('admin: force logout and search', () => {
  it('force logout ends every session of the user at once; the account stays usable', async () => {
    const { auth, admin, ann, annSessions, events, root } = await setUp();
    expect(await auth.admin.forceLogout(admin, 'ann@example.test', CLIENT)).toEqual({ sessionsRevoked: 2 });
    expect(events.at(-1)).toMatchObject({ type: 'user_logged_out', actorId: root.user.id, userId: ann.user.id, sessionsRevoked: 2 });
    for (const tokens of annSessions) {
      expect(verifyCode(() => auth.verifyAccessToken(tokens.accessToken))).toBe('invalid_token');
      expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('invalid_grant');
    }
    expect(await codeOf(auth.login({ email: 'ann@example.test', password: PASSWORD }, CLIENT))).toBe('ok');
    expect(await auth.admin.forceLogout(admin, ann.user.id)).toEqual({ sessionsRevoked: 1 });
  });

  it('searches emails newest first, a page at a time, folding case like the stored emails', async () => {
    const { auth, admin, clock } = await setUp();
    for (const email of ['anna@example.test', 'bob@example.test', 'joanne@other.test']) {
      clock.advance(1000);
      await auth.signup({ email, password: PASSWORD }, CLIENT);
    }
    const emails = async (input: Parameters<typeof auth.admin.searchUsers>[1]) => {
      const page = await auth.admin.searchUsers(admin, input);
      return { emails: page.users.map((u) => u.email), nextOffset: page.nextOffset };
    };
    expect(await emails({ query: ' ANN ' })).toEqual({ emails: ['joanne@other.test', 'anna@example.test', 'ann@example.test'], nextOffset: null });
    expect(await emails({ query: 'ann', limit: 2 })).toEqual({ emails: ['joanne@other.test', 'anna@example.test'], nextOffset: 2 });
    expect(await emails({ query: 'ann', limit: 2, offset: 2 })).toEqual({ emails: ['ann@example.test'], nextOffset: null });
    expect(await emails({ query: 'ann@' })).toEqual({ emails: ['ann@example.test'], nextOffset: null });
    expect((await emails({})).emails).toEqual(['joanne@other.test', 'bob@example.test', 'anna@example.test', 'ann@example.test', 'root@example.test']);
    const page = await auth.admin.searchUsers(admin, { query: 'bob' });
    expect(Object.keys(page.users[0]!).sort()).toEqual(['createdAt', 'disabledAt', 'email', 'id', 'name', 'roles', 'updatedAt']);
    for (const input of [{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { offset: -1 }, { offset: 10_001 }, { query: 'x'.repeat(255) }]) {
      expect(await codeOf(auth.admin.searchUsers(admin, input)), JSON.stringify(input).slice(0, 40)).toBe('invalid_request');
    }
  });
});
