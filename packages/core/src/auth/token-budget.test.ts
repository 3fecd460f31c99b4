import { describe, expect, it } from 'vitest';
import { failure } from '../../test/helpers.js';
import { hashPassword } from '../password/hash.js';
import { createTestAuth, PASSWORD } from '../../test/auth-harness.js';

/** A user the way an operator makes one (`tessera users create --role …`): roles are not taken from signup. */
async function userWithRoles(stores: Awaited<ReturnType<typeof createTestAuth>>['stores'], email: string, roles: string[]) {
  await stores.users.createUser({ id: `u-${roles.length}`, email, name: null, passwordHash: await hashPassword(PASSWORD), roles, createdAt: new Date() });
}

describe('the 1 KB access-token budget', () => {
  it('refuses at login to issue a token over 1 KB, with a sentence naming the roles, and stores no session', async () => {
    const { auth, stores } = await createTestAuth();
    await userWithRoles(stores, 'many@example.test', Array.from({ length: 40 }, (_, i) => `department-role-${i}`));
    const error = await failure(auth.login({ email: 'many@example.test', password: PASSWORD }, {}));
    expect(error.code).toBe('internal_error');
    expect(error.message).toMatch(/^This account's access token would be \d{4} bytes, over the 1024-byte budget: it has too many roles \(40\)/);
    const user = await stores.users.findUserByEmail('many@example.test');
    expect(await stores.sessions.listUserSessions(user!.id, new Date())).toEqual([]);
  });

  it('issues a token with a few roles, under the budget', async () => {
    const { auth, stores } = await createTestAuth();
    await userWithRoles(stores, 'few@example.test', ['admin', 'billing', 'support']);
    const { tokens } = await auth.login({ email: 'few@example.test', password: PASSWORD }, {});
    expect(tokens.accessToken.length).toBeLessThanOrEqual(1024);
    expect(auth.verifyAccessToken(tokens.accessToken).roles).toEqual(['admin', 'billing', 'support']);
  });
});

describe('the 1 KB budget at refresh', () => {
  it('refuses before rotating: the client keeps a current refresh token, usable again once the roles are cut', async () => {
    const { auth, stores, clock } = await createTestAuth();
    await userWithRoles(stores, 'grows@example.test', ['member']);
    const { tokens } = await auth.login({ email: 'grows@example.test', password: PASSWORD }, {});
    const user = await stores.users.findUserByEmail('grows@example.test');
    const many = Array.from({ length: 40 }, (_, i) => `department-role-${i}`);
    await stores.users.updateUserRoles(user!.id, many, new Date());
    expect((await failure(auth.refresh(tokens.refreshToken))).code).toBe('internal_error');
    // Nothing rotated: the same refresh token is still the current one, well after any grace window, so it is
    // not taken for a stolen copy.
    clock.advance(60_000);
    await stores.users.updateUserRoles(user!.id, ['member'], new Date());
    const refreshed = await auth.refresh(tokens.refreshToken);
    expect(auth.verifyAccessToken(refreshed.accessToken).roles).toEqual(['member']);
  });
});
