import type { RevokedSession, Stores } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, at, makeSession, makeUser } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';

const byId = (a: RevokedSession, b: RevokedSession) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export async function newUserId(stores: Stores): Promise<string> {
  const user = makeUser();
  await stores.users.createUser(user);
  return user.id;
}

export function describeSessionStore(ctx: ConformanceContext): void {
  describe('SessionStore', () => {
    it('creates a session and finds it with the rotation and revocation fields empty', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores), { userAgent: null, ip: null });
      await stores.sessions.createSession(session);
      expect(await stores.sessions.findSession(session.id)).toEqual({
        ...session,
        recentRotations: [],
        revokedAt: null,
        revokedReason: null,
      });
      expect(await stores.sessions.findSession('no-such-session')).toBeNull();
    });

    it('keeps the DPoP key thumbprint a session is bound to through rotation and revocation', async () => {
      const stores = ctx.stores();
      const jkt = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
      const session = makeSession(await newUserId(stores), { dpopJkt: jkt });
      await stores.sessions.createSession(session);
      expect(await stores.sessions.findSession(session.id)).toMatchObject({ dpopJkt: jkt });
      const rotated = await stores.sessions.rotateSession(session.id, {
        expectedSecretHash: session.secretHash,
        newSecretHash: 'next-hash',
        rotationNonce: 'nonce',
        rotatedAt: at(MINUTE),
        idleExpiresAt: at(DAY),
        earlierRotations: [],
      });
      expect(rotated).toBe(true);
      expect(await stores.sessions.findSession(session.id)).toMatchObject({ dpopJkt: jkt, secretHash: 'next-hash' });
      await stores.sessions.revokeSession(session.id, at(HOUR), 'dpop_key_mismatch');
      expect(await stores.sessions.findSession(session.id)).toMatchObject({ dpopJkt: jkt, revokedReason: 'dpop_key_mismatch' });
      const bearer = makeSession(session.userId);
      await stores.sessions.createSession(bearer);
      expect(await stores.sessions.findSession(bearer.id)).toMatchObject({ dpopJkt: null });
    });

    it('touches lastUsedAt and nothing else', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const before = await stores.sessions.findSession(session.id);
      await stores.sessions.touchSession(session.id, at(HOUR + 7));
      expect(await stores.sessions.findSession(session.id)).toEqual({ ...before, lastUsedAt: at(HOUR + 7) });
      await expect(stores.sessions.touchSession('no-such-session', at())).resolves.toBeUndefined();
    });

    it('lists live sessions of a user newest first, leaving out revoked, expired and other users', async () => {
      const stores = ctx.stores();
      const userId = await newUserId(stores);
      const now = at(DAY);
      const older = makeSession(userId, { createdAt: at(1) });
      const newer = makeSession(userId, { createdAt: at(2) });
      const revoked = makeSession(userId, { createdAt: at(3) });
      const idleExpired = makeSession(userId, { createdAt: at(4), idleExpiresAt: now });
      const absoluteExpired = makeSession(userId, { createdAt: at(5), absoluteExpiresAt: at(DAY - 1) });
      const otherUser = makeSession(await newUserId(stores), { createdAt: at(6) });
      for (const s of [older, newer, revoked, idleExpired, absoluteExpired, otherUser]) await stores.sessions.createSession(s);
      await stores.sessions.revokeSession(revoked.id, at(10), 'logout');
      const live = await stores.sessions.listUserSessions(userId, now);
      expect(live.map((s) => s.id)).toEqual([newer.id, older.id]);
      expect(live[0]?.createdAt).toEqual(at(2));
      expect(await stores.sessions.listUserSessions('no-such-user', now)).toEqual([]);
    });

    it('revokes a session once: the second call and unknown ids resolve null', async () => {
      const stores = ctx.stores();
      const userId = await newUserId(stores);
      const session = makeSession(userId);
      await stores.sessions.createSession(session);
      expect(await stores.sessions.revokeSession(session.id, at(MINUTE), 'logout')).toEqual({
        id: session.id,
        userId,
        revokedAt: at(MINUTE),
      });
      expect(await stores.sessions.revokeSession(session.id, at(2 * MINUTE), 'admin')).toBeNull();
      const found = await stores.sessions.findSession(session.id);
      expect(found?.revokedAt).toEqual(at(MINUTE));
      expect(found?.revokedReason).toBe('logout');
      expect(await stores.sessions.revokeSession('no-such-session', at(), 'logout')).toBeNull();
    });

    it('lets exactly one of many racing revokeSession calls report the revocation', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const results = await race(Math.min(ctx.concurrency, 20), (i) => stores.sessions.revokeSession(session.id, at(i), 'logout'));
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      expect((await stores.sessions.findSession(session.id))?.revokedAt).toEqual(winners[0]?.revokedAt);
    });

    it('revokes every live session of a user except one, returning exactly those it revoked', async () => {
      const stores = ctx.stores();
      const userId = await newUserId(stores);
      const keep = makeSession(userId, { createdAt: at(1) });
      const a = makeSession(userId, { createdAt: at(2) });
      const b = makeSession(userId, { createdAt: at(3) });
      const already = makeSession(userId, { createdAt: at(4) });
      const other = makeSession(await newUserId(stores));
      for (const s of [keep, a, b, already, other]) await stores.sessions.createSession(s);
      await stores.sessions.revokeSession(already.id, at(HOUR), 'logout');

      const when = at(2 * HOUR + 5);
      const revoked = await stores.sessions.revokeUserSessions(userId, when, 'password_changed', keep.id);
      expect([...revoked].sort(byId)).toEqual([a, b].map((s) => ({ id: s.id, userId, revokedAt: when })).sort(byId));

      expect((await stores.sessions.findSession(a.id))?.revokedReason).toBe('password_changed');
      expect((await stores.sessions.findSession(already.id))?.revokedReason).toBe('logout');
      expect((await stores.sessions.findSession(keep.id))?.revokedAt).toBeNull();
      expect((await stores.sessions.findSession(other.id))?.revokedAt).toBeNull();
      expect(await stores.sessions.revokeUserSessions(userId, when, 'logout_all', keep.id)).toEqual([]);

      const all = await stores.sessions.revokeUserSessions(userId, at(3 * HOUR), 'logout_all');
      expect(all).toEqual([{ id: keep.id, userId, revokedAt: at(3 * HOUR) }]);
      expect(await stores.sessions.listUserSessions(userId, at())).toEqual([]);
    });

    it('lists sessions revoked at or after an instant', async () => {
      const stores = ctx.stores();
      const userId = await newUserId(stores);
      const [early, onTheDot, late, live] = [makeSession(userId), makeSession(userId), makeSession(userId), makeSession(userId)];
      for (const s of [early, onTheDot, late, live]) await stores.sessions.createSession(s);
      await stores.sessions.revokeSession(early.id, at(HOUR - 1), 'logout');
      await stores.sessions.revokeSession(onTheDot.id, at(HOUR), 'logout');
      await stores.sessions.revokeSession(late.id, at(2 * HOUR), 'admin');
      const since = await stores.sessions.listRevokedSince(at(HOUR));
      expect([...since].sort(byId)).toEqual(
        [
          { id: onTheDot.id, userId, revokedAt: at(HOUR) },
          { id: late.id, userId, revokedAt: at(2 * HOUR) },
        ].sort(byId),
      );
      expect(await stores.sessions.listRevokedSince(at(3 * HOUR))).toEqual([]);
    });

    it('deletes sessions whose idle or absolute expiry is before the cut-off, and counts them', async () => {
      const stores = ctx.stores();
      const userId = await newUserId(stores);
      const cutoff = at(DAY);
      const idleGone = makeSession(userId, { idleExpiresAt: at(DAY - 1) });
      const absoluteGone = makeSession(userId, { absoluteExpiresAt: at(DAY - 1) });
      const exactlyAtCutoff = makeSession(userId, { idleExpiresAt: cutoff });
      const alive = makeSession(userId);
      const revokedButUnexpired = makeSession(userId);
      for (const s of [idleGone, absoluteGone, exactlyAtCutoff, alive, revokedButUnexpired]) await stores.sessions.createSession(s);
      await stores.sessions.revokeSession(revokedButUnexpired.id, at(), 'logout');
      expect(await stores.sessions.deleteExpiredSessions(cutoff)).toBe(2);
      expect(await stores.sessions.findSession(idleGone.id)).toBeNull();
      expect(await stores.sessions.findSession(absoluteGone.id)).toBeNull();
      for (const s of [exactlyAtCutoff, alive, revokedButUnexpired]) expect(await stores.sessions.findSession(s.id)).not.toBeNull();
      expect(await stores.sessions.deleteExpiredSessions(cutoff)).toBe(0);
    });

    it('hands out copies of sessions', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      session.lastUsedAt.setTime(0);
      const found = await stores.sessions.findSession(session.id);
      expect(found?.lastUsedAt).toEqual(at());
      found?.idleExpiresAt.setTime(0);
      expect((await stores.sessions.findSession(session.id))?.idleExpiresAt).toEqual(at(14 * DAY));
    });
  });
}
