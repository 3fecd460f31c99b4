import { describe, expect, it } from 'vitest';
import { DAY, at, makeUser, randomId } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';

export function describeUserStore(ctx: ConformanceContext): void {
  describe('UserStore', () => {
    it('creates a user and finds it by id and by email, with updatedAt = createdAt', async () => {
      const { users } = ctx.stores();
      const user = makeUser({ roles: ['admin', 'user'], name: null });
      expect(await users.createUser(user)).toBe(true);
      const expected = { ...user, updatedAt: user.createdAt };
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
      expect(await users.findUserById(user.id)).toEqual({ ...user, passwordHash: 'new-hash', updatedAt: when });
      // Same values again: the user still exists, so still true (no "rows changed" trap).
      expect(await users.updatePasswordHash(user.id, 'new-hash', when)).toBe(true);
      expect(await users.updatePasswordHash('no-such-user', 'x', when)).toBe(false);
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
