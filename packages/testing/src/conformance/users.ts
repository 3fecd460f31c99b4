import { describe, expect, it } from 'vitest';
import { DAY, at, makeUser, randomId } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';

export function describeUserStore(ctx: ConformanceContext): void {
  describe('UserStore', () => {
    it('creates a user and finds it by id and by email, with updatedAt = createdAt', async () => {
      const { users } = ctx.stores();
      const user = makeUser({ roles: ['admin', 'user'], name: null });
      expect(await users.createUser(user)).toBe(true);
      const expected = { ...user, updatedAt: user.createdAt, disabledAt: null };
      expect(await users.findUserById(user.id)).toEqual(expected);
      expect(await users.findUserByEmail(user.email)).toEqual(expected);
    });

    it('resolves null, not an error, for unknown ids and emails', async () => {
      const { users } = ctx.stores();
      expect(await users.findUserById('no-such-user')).toBeNull();
      expect(await users.findUserByEmail('nobody@example.test')).toBeNull();
    });

    it('round-trips empty and several roles', async () => {
      const { users } = ctx.stores();
      const none = makeUser({ roles: [] });
      const many = makeUser({ roles: ['a', 'b', 'c:d'] });
      await users.createUser(none);
      await users.createUser(many);
      expect((await users.findUserById(none.id))?.roles).toEqual([]);
      expect((await users.findUserById(many.id))?.roles).toEqual(['a', 'b', 'c:d']);
    });

    it('refuses a second user with the same email, writing nothing', async () => {
      const { users } = ctx.stores();
      const first = makeUser();
      const second = makeUser({ email: first.email, name: 'Mallory' });
      expect(await users.createUser(first)).toBe(true);
      expect(await users.createUser(second)).toBe(false);
      expect(await users.findUserById(second.id)).toBeNull();
      expect((await users.findUserByEmail(first.email))?.id).toBe(first.id);
      expect(await users.listUsers()).toHaveLength(1);
    });

    it('lets exactly one of many racing signups with the same email succeed', async () => {
      const { users } = ctx.stores();
      const email = `race-${randomId(6).toLowerCase()}@example.test`;
      const contenders = Array.from({ length: Math.max(2, Math.min(ctx.concurrency, 20)) }, () => makeUser({ email }));
      const results = await race(contenders.length, (i) => users.createUser(contenders[i]!));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = contenders[results.indexOf(true)]!;
      expect((await users.findUserByEmail(email))?.id).toBe(winner.id);
      expect(await users.listUsers()).toHaveLength(1);
    });

    it('lists users newest first, honouring limit and offset', async () => {
      const { users } = ctx.stores();
      const created = [3, 1, 4, 2, 0].map((d) => makeUser({ createdAt: at(d * DAY) }));
      for (const user of created) expect(await users.createUser(user)).toBe(true);
      const newestFirst = [...created].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).map((u) => u.id);
      expect((await users.listUsers()).map((u) => u.id)).toEqual(newestFirst);
      expect((await users.listUsers({ limit: 2 })).map((u) => u.id)).toEqual(newestFirst.slice(0, 2));
      expect((await users.listUsers({ limit: 2, offset: 2 })).map((u) => u.id)).toEqual(newestFirst.slice(2, 4));
      expect((await users.listUsers({ offset: 3 })).map((u) => u.id)).toEqual(newestFirst.slice(3));
      expect(await users.listUsers({ limit: 10, offset: 10 })).toEqual([]);
      expect(await users.listUsers({ limit: 0 })).toEqual([]);
    });

    it('updates a password hash and updatedAt only, and reports unknown users', async () => {
      const { users } = ctx.stores();
      const user = makeUser();
      await users.createUser(user);
      const when = at(DAY + 456);
      expect(await users.updatePasswordHash(user.id, 'new-hash', when)).toBe(true);
      expect(await users.findUserById(user.id)).toEqual({ ...user, passwordHash: 'new-hash', updatedAt: when, disabledAt: null });
      // Same values again: the user still exists, so still true (no "rows changed" trap).
      expect(await users.updatePasswordHash(user.id, 'new-hash', when)).toBe(true);
      expect(await users.updatePasswordHash('no-such-user', 'x', when)).toBe(false);
    });

    it('searches emails by literal substring or prefix, newest first, with limit and offset', async () => {
      const { users } = ctx.stores();
      const tag = randomId(6).toLowerCase().replace(/[^a-z0-9]/g, 'x');
      const make = (local: string, day: number) => makeUser({ email: `${local}@${tag}.example.test`, createdAt: at(day * DAY) });
      const ann = make('ann', 1);
      const anna = make('anna', 3);
      const bob = make('bob', 2);
      const percent = make('a%b', 4);
      const underscore = make('a_b', 5);
      const bang = make('x!y', 6);
      for (const user of [ann, anna, bob, percent, underscore, bang]) expect(await users.createUser(user)).toBe(true);
      const ids = async (emailContains: string, page: { limit?: number; offset?: number } = {}) =>
        (await users.listUsers({ emailContains, ...page })).map((u) => u.id);
      expect(await ids('ann')).toEqual([anna.id, ann.id]);
      expect(await ids('ann', { limit: 1 })).toEqual([anna.id]);
      expect(await ids('ann', { limit: 1, offset: 1 })).toEqual([ann.id]);
      expect(await ids(`b@${tag}`)).toEqual([underscore.id, percent.id, bob.id]);
      // Wildcards in the text are plain characters: "%" and "_" match only themselves, and so does the escape "!".
      expect(await ids('a%b')).toEqual([percent.id]);
      expect(await ids('a_b')).toEqual([underscore.id]);
      expect(await ids('x!y')).toEqual([bang.id]);
      expect(await ids('%')).toEqual([percent.id]);
      expect(await ids('_')).toEqual([underscore.id]);
      expect(await ids("'; --")).toEqual([]);
      expect(await ids(tag)).toHaveLength(6);
      expect(await ids('nobody-has-this')).toEqual([]);
    });

    it('replaces roles with updatedAt in one write, and reports unknown users', async () => {
      const { users } = ctx.stores();
      const user = makeUser({ roles: ['user'] });
      await users.createUser(user);
      const when = at(DAY);
      expect(await users.updateUserRoles(user.id, ['admin', 'support'], when)).toBe(true);
      expect(await users.findUserById(user.id)).toEqual({ ...user, roles: ['admin', 'support'], updatedAt: when, disabledAt: null });
      expect(await users.updateUserRoles(user.id, ['admin', 'support'], when)).toBe(true);
      expect(await users.updateUserRoles(user.id, [], at(2 * DAY))).toBe(true);
      expect((await users.findUserByEmail(user.email))?.roles).toEqual([]);
      expect(await users.updateUserRoles('no-such-user', ['admin'], when)).toBe(false);
      expect(await users.findUserById('no-such-user')).toBeNull();
    });

    it('leaves one whole role list when role updates race', async () => {
      const { users } = ctx.stores();
      const user = makeUser({ roles: [] });
      await users.createUser(user);
      const lists = Array.from({ length: Math.max(2, Math.min(ctx.concurrency, 10)) }, (_, i) => [`r${i}a`, `r${i}b`]);
      expect(await race(lists.length, (i) => users.updateUserRoles(user.id, lists[i]!, at(DAY)))).toEqual(lists.map(() => true));
      const roles = (await users.findUserById(user.id))?.roles;
      expect(lists).toContainEqual(roles);
    });

    it('disables and enables a user, keeping everything else, and reports unknown users', async () => {
      const { users } = ctx.stores();
      const user = makeUser();
      await users.createUser(user);
      const disabledAt = at(DAY + 789);
      expect(await users.setUserDisabled(user.id, disabledAt, disabledAt)).toBe(true);
      const disabled = { ...user, updatedAt: disabledAt, disabledAt };
      expect(await users.findUserById(user.id)).toEqual(disabled);
      expect(await users.findUserByEmail(user.email)).toEqual(disabled);
      expect((await users.listUsers({ emailContains: user.email }))[0]).toEqual(disabled);
      // Disabled, the email stays taken.
      expect(await users.createUser(makeUser({ email: user.email }))).toBe(false);
      const enabledAt = at(2 * DAY);
      expect(await users.setUserDisabled(user.id, null, enabledAt)).toBe(true);
      expect(await users.findUserById(user.id)).toEqual({ ...user, updatedAt: enabledAt, disabledAt: null });
      expect(await users.setUserDisabled('no-such-user', disabledAt, disabledAt)).toBe(false);
      expect(await users.findUserById('no-such-user')).toBeNull();
    });

    it('hands out copies: mutating inputs or results does not change what is stored', async () => {
      const { users } = ctx.stores();
      const user = makeUser({ roles: ['user'] });
      await users.createUser(user);
      user.roles.push('admin');
      user.createdAt.setTime(0);
      const found = await users.findUserById(user.id);
      expect(found?.roles).toEqual(['user']);
      found?.roles.push('admin');
      found?.updatedAt.setTime(0);
      const again = await users.findUserById(user.id);
      expect(again?.roles).toEqual(['user']);
      expect(again?.updatedAt.getTime()).toBe(at().getTime());
    });
  });
}
