import { describe, expect, it } from 'vitest';
import { at, makeKey, makeSession, makeUser, randomId } from '../fixtures.js';
import type { ConformanceContext } from './context.js';

/** Strings that break naive SQL, LIKE patterns, JSON or byte-length assumptions. */
const ODD = `o'b"r%i_e\\n;--🙂é`;

export function describeDataFidelity(ctx: ConformanceContext): void {
  describe('data fidelity', () => {
    it('round-trips instants to the millisecond, including far past and far future', async () => {
      const stores = ctx.stores();
      const createdAt = new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 999));
      const user = makeUser({ createdAt });
      await stores.users.createUser(user);
      expect((await stores.users.findUserById(user.id))?.createdAt.getTime()).toBe(createdAt.getTime());

      const session = makeSession(user.id, {
        createdAt: new Date(1),
        lastUsedAt: at(1),
        idleExpiresAt: new Date(Date.UTC(2286, 10, 20, 17, 46, 40, 1)),
        absoluteExpiresAt: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      });
      await stores.sessions.createSession(session);
      await stores.sessions.revokeSession(session.id, at(7), 'admin');
      const found = await stores.sessions.findSession(session.id);
      expect(found?.createdAt.getTime()).toBe(1);
      expect(found?.lastUsedAt.getTime()).toBe(at(1).getTime());
      expect(found?.idleExpiresAt.getTime()).toBe(session.idleExpiresAt.getTime());
      expect(found?.absoluteExpiresAt.getTime()).toBe(session.absoluteExpiresAt.getTime());
      expect(found?.revokedAt?.getTime()).toBe(at(7).getTime());
      expect(found?.createdAt).toBeInstanceOf(Date);

      const key = makeKey({ createdAt: at(999) });
      await stores.keys.addSigningKey(key);
      expect((await stores.keys.listKeys())[0]?.createdAt.getTime()).toBe(at(999).getTime());
    });

    it('treats ids, emails and text with quotes, %, _, backslashes and unicode as plain data', async () => {
      const stores = ctx.stores();
      const user = makeUser({ id: `u-${ODD}`, email: `${ODD}@exämple.test`, name: `Zoë ${ODD}`, roles: [ODD, '[]'] });
      expect(await stores.users.createUser(user)).toBe(true);
      expect(await stores.users.findUserById(user.id)).toEqual({ ...user, updatedAt: user.createdAt, disabledAt: null });
      expect(await stores.users.findUserByEmail(user.email)).toEqual({ ...user, updatedAt: user.createdAt, disabledAt: null });
      // No pattern matching, no case folding.
      expect(await stores.users.findUserById('u-o%')).toBeNull();
      expect(await stores.users.findUserById(user.id.toUpperCase())).toBeNull();
      expect(await stores.users.findUserByEmail(user.email.toUpperCase())).toBeNull();

      const session = makeSession(user.id, { id: `s-${ODD}`, userAgent: ODD, ip: '::ffff:192.0.2.1' });
      await stores.sessions.createSession(session);
      expect((await stores.sessions.findSession(session.id))?.userAgent).toBe(ODD);
      expect(await stores.sessions.findSession('s-o%')).toBeNull();
      expect((await stores.sessions.listUserSessions(user.id, at())).map((s) => s.id)).toEqual([session.id]);
      expect(await stores.sessions.revokeUserSessions(user.id, at(5), ODD)).toEqual([
        { id: session.id, userId: user.id, revokedAt: at(5) },
      ]);
      expect((await stores.sessions.findSession(session.id))?.revokedReason).toBe(ODD);
    });

    it('distinguishes ids that differ only in case', async () => {
      const stores = ctx.stores();
      const userId = randomId();
      await stores.users.createUser(makeUser({ id: userId }));
      const lower = makeSession(userId, { id: 'abcdefghijklmnopqrstuv' });
      const upper = makeSession(userId, { id: 'ABCDEFGHIJKLMNOPQRSTUV' });
      await stores.sessions.createSession(lower);
      await stores.sessions.createSession(upper);
      expect((await stores.sessions.findSession(lower.id))?.secretHash).toBe(lower.secretHash);
      expect((await stores.sessions.findSession(upper.id))?.secretHash).toBe(upper.secretHash);
      expect(await stores.sessions.revokeSession(lower.id, at(), 'logout')).not.toBeNull();
      expect((await stores.sessions.findSession(upper.id))?.revokedAt).toBeNull();
    });
  });
}
