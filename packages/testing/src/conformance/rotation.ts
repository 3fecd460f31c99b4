import type { RotationRecord, SessionRotation } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { DAY, MINUTE, at, makeSession, randomId } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';
import { newUserId } from './sessions.js';

function rotation(expectedSecretHash: string, offsetMs = MINUTE, earlierRotations: RotationRecord[] = []): SessionRotation {
  return {
    expectedSecretHash,
    newSecretHash: randomId(32),
    rotationNonce: randomId(32),
    rotatedAt: at(offsetMs),
    idleExpiresAt: at(offsetMs + 14 * DAY),
    earlierRotations,
  };
}

/** The history entry a rotation adds for itself. */
function entryOf(r: SessionRotation): RotationRecord {
  return { supersededHash: r.expectedSecretHash, nonce: r.rotationNonce, rotatedAt: r.rotatedAt };
}

export function describeRotation(ctx: ConformanceContext): void {
  describe('SessionStore.rotateSession (compare-and-swap)', () => {
    it('rotates when the expected hash is current, setting exactly the documented fields', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const r = rotation(session.secretHash, MINUTE + 1);
      expect(await stores.sessions.rotateSession(session.id, r)).toBe(true);
      expect(await stores.sessions.findSession(session.id)).toEqual({
        ...session,
        secretHash: r.newSecretHash,
        recentRotations: [{ supersededHash: session.secretHash, nonce: r.rotationNonce, rotatedAt: r.rotatedAt }],
        lastUsedAt: r.rotatedAt,
        idleExpiresAt: r.idleExpiresAt,
        revokedAt: null,
        revokedReason: null,
      });
    });

    it('follows a chain of rotations: only the latest hash rotates again, appending to the history', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const first = rotation(session.secretHash, MINUTE);
      expect(await stores.sessions.rotateSession(session.id, first)).toBe(true);
      const afterFirst = await stores.sessions.findSession(session.id);
      expect(await stores.sessions.rotateSession(session.id, rotation(session.secretHash, 2 * MINUTE, [entryOf(first)]))).toBe(false);
      expect(await stores.sessions.findSession(session.id)).toEqual(afterFirst);
      const second = rotation(first.newSecretHash, 3 * MINUTE, afterFirst!.recentRotations);
      expect(await stores.sessions.rotateSession(session.id, second)).toBe(true);
      const found = await stores.sessions.findSession(session.id);
      expect(found?.secretHash).toBe(second.newSecretHash);
      expect(found?.recentRotations).toEqual([entryOf(second), entryOf(first)]);
      expect(found?.recentRotations[0]?.supersededHash).toBe(first.newSecretHash);
    });

    it('stores the kept history whole: sixteen entries, in order, to the millisecond', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const earlier = Array.from({ length: 15 }, (_, i): RotationRecord => ({
        supersededHash: randomId(32),
        nonce: randomId(32),
        rotatedAt: at(MINUTE - 1 - i * 7),
      }));
      const r = rotation(session.secretHash, MINUTE, earlier);
      expect(await stores.sessions.rotateSession(session.id, r)).toBe(true);
      const found = await stores.sessions.findSession(session.id);
      expect(found?.recentRotations).toEqual([entryOf(r), ...earlier]);
      expect(found?.recentRotations[15]?.rotatedAt).toBeInstanceOf(Date);
      // The record handed out is a copy: changing it does not change the store.
      found?.recentRotations.pop();
      expect((await stores.sessions.findSession(session.id))?.recentRotations).toHaveLength(16);
    });

    it('refuses a wrong expected hash and changes nothing', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const before = await stores.sessions.findSession(session.id);
      expect(await stores.sessions.rotateSession(session.id, rotation(randomId(32)))).toBe(false);
      // A prefix or a differently-cased hash is not the hash.
      expect(await stores.sessions.rotateSession(session.id, rotation(session.secretHash.slice(0, -1)))).toBe(false);
      expect(await stores.sessions.rotateSession(session.id, rotation(session.secretHash.toUpperCase()))).toBe(false);
      expect(await stores.sessions.findSession(session.id)).toEqual(before);
    });

    it('refuses to rotate a revoked session and changes nothing', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      await stores.sessions.revokeSession(session.id, at(1), 'reuse_detected');
      const before = await stores.sessions.findSession(session.id);
      expect(await stores.sessions.rotateSession(session.id, rotation(session.secretHash))).toBe(false);
      expect(await stores.sessions.findSession(session.id)).toEqual(before);
    });

    it('refuses an unknown session', async () => {
      const { sessions } = ctx.stores();
      expect(await sessions.rotateSession('no-such-session', rotation(randomId(32)))).toBe(false);
    });

    it(`lets exactly one of ${ctx.concurrency} concurrent rotations with the same expected hash win`, async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const attempts = Array.from({ length: ctx.concurrency }, (_, i) => rotation(session.secretHash, MINUTE + i));
      const results = await race(attempts.length, (i) => stores.sessions.rotateSession(session.id, attempts[i]!));
      expect(results.filter((won) => won)).toHaveLength(1);
      const winner = attempts[results.indexOf(true)]!;
      const found = await stores.sessions.findSession(session.id);
      expect(found?.secretHash).toBe(winner.newSecretHash);
      expect(found?.recentRotations).toEqual([entryOf(winner)]);
    });

    it(`appends exactly the winner's history when ${ctx.concurrency} rotations carrying different histories race`, async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const first = rotation(session.secretHash, MINUTE);
      await stores.sessions.rotateSession(session.id, first);
      // Every racer carries its own (distinguishable) copy of the history: whatever is stored must be one
      // racer's whole history, never a mix, and never a loser's.
      const attempts = Array.from({ length: ctx.concurrency }, (_, i) =>
        rotation(first.newSecretHash, 2 * MINUTE + i, [{ ...entryOf(first), nonce: randomId(32) }]),
      );
      const results = await race(attempts.length, (i) => stores.sessions.rotateSession(session.id, attempts[i]!));
      expect(results.filter((won) => won)).toHaveLength(1);
      const winner = attempts[results.indexOf(true)]!;
      const found = await stores.sessions.findSession(session.id);
      expect(found?.secretHash).toBe(winner.newSecretHash);
      expect(found?.recentRotations).toEqual([entryOf(winner), ...winner.earlierRotations]);
    });

    it('lets exactly one concurrent rotation per generation win when racers chase the latest hash', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      let current = session.secretHash;
      let history: RotationRecord[] = [];
      for (let generation = 1; generation <= 3; generation += 1) {
        const attempts = Array.from({ length: 10 }, (_, i) => rotation(current, generation * MINUTE + i, history));
        const results = await race(attempts.length, (i) => stores.sessions.rotateSession(session.id, attempts[i]!));
        expect(results.filter((won) => won)).toHaveLength(1);
        const previous = current;
        current = attempts[results.indexOf(true)]!.newSecretHash;
        const found = await stores.sessions.findSession(session.id);
        expect([found?.recentRotations[0]?.supersededHash, found?.secretHash]).toEqual([previous, current]);
        expect(found?.recentRotations).toHaveLength(generation);
        history = found!.recentRotations;
      }
    });
  });
}
