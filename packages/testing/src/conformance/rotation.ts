import type { SessionRotation } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { DAY, MINUTE, at, makeSession, randomId } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';
import { newUserId } from './sessions.js';

function rotation(expectedSecretHash: string, offsetMs = MINUTE): SessionRotation {
  return {
    expectedSecretHash,
    newSecretHash: randomId(32),
    rotationNonce: randomId(),
    rotatedAt: at(offsetMs),
    idleExpiresAt: at(offsetMs + 14 * DAY),
  };
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
        previousSecretHash: session.secretHash,
        secretHash: r.newSecretHash,
        rotationNonce: r.rotationNonce,
        rotatedAt: r.rotatedAt,
        lastUsedAt: r.rotatedAt,
        idleExpiresAt: r.idleExpiresAt,
        revokedAt: null,
        revokedReason: null,
      });
    });

    it('follows a chain of rotations: only the latest hash rotates again', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      const first = rotation(session.secretHash, MINUTE);
      expect(await stores.sessions.rotateSession(session.id, first)).toBe(true);
      expect(await stores.sessions.rotateSession(session.id, rotation(session.secretHash, 2 * MINUTE))).toBe(false);
      const second = rotation(first.newSecretHash, 3 * MINUTE);
      expect(await stores.sessions.rotateSession(session.id, second)).toBe(true);
      const found = await stores.sessions.findSession(session.id);
      expect(found?.secretHash).toBe(second.newSecretHash);
      expect(found?.previousSecretHash).toBe(first.newSecretHash);
      expect(found?.rotatedAt).toEqual(at(3 * MINUTE));
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
      expect(found?.previousSecretHash).toBe(session.secretHash);
      expect(found?.rotationNonce).toBe(winner.rotationNonce);
      expect(found?.rotatedAt).toEqual(winner.rotatedAt);
    });

    it('lets exactly one concurrent rotation per generation win when racers chase the latest hash', async () => {
      const stores = ctx.stores();
      const session = makeSession(await newUserId(stores));
      await stores.sessions.createSession(session);
      let current = session.secretHash;
      for (let generation = 1; generation <= 3; generation += 1) {
        const attempts = Array.from({ length: 10 }, (_, i) => rotation(current, generation * MINUTE + i));
        const results = await race(attempts.length, (i) => stores.sessions.rotateSession(session.id, attempts[i]!));
        expect(results.filter((won) => won)).toHaveLength(1);
        const previous = current;
        current = attempts[results.indexOf(true)]!.newSecretHash;
        const found = await stores.sessions.findSession(session.id);
        expect([found?.previousSecretHash, found?.secretHash]).toEqual([previous, current]);
      }
    });
  });
}
