import type { PasskeyChallenge, PasskeyRecord, PasskeyStore } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, at, randomId } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';

export function makePasskey(userId: string, overrides: Partial<PasskeyRecord> = {}): PasskeyRecord {
  return {
    id: randomId(32),
    userId,
    publicKey: randomId(77),
    counter: 0,
    transports: ['internal', 'hybrid'],
    deviceType: 'multiDevice',
    backedUp: true,
    name: 'Laptop ✓',
    createdAt: at(0),
    lastUsedAt: null,
    ...overrides,
  };
}

export function makeChallenge(overrides: Partial<PasskeyChallenge> = {}): PasskeyChallenge {
  return { id: randomId(16), challenge: randomId(32), purpose: 'authentication', userId: null, expiresAt: at(5 * MINUTE), ...overrides };
}

export function describePasskeyStore(ctx: ConformanceContext): void {
  const store = (): PasskeyStore => {
    const passkeys = ctx.stores().passkeys;
    if (passkeys === undefined) throw new Error('These stores have no passkey store (pass { passkeys: false } to skip).');
    return passkeys;
  };

  describe('PasskeyStore', () => {
    it('stores a passkey and reads back every field, and refuses a second one with the same credential id', async () => {
      const passkeys = store();
      const passkey = makePasskey('u1', { counter: 4_294_967_295, lastUsedAt: at(HOUR), backedUp: false, deviceType: 'singleDevice', transports: [] });
      expect(await passkeys.addPasskey(passkey)).toBe(true);
      expect(await passkeys.findPasskey(passkey.id)).toEqual(passkey);
      expect(await passkeys.addPasskey({ ...passkey, userId: 'u2', publicKey: 'other' })).toBe(false);
      expect(await passkeys.findPasskey(passkey.id)).toEqual(passkey);
      expect(await passkeys.findPasskey('missing')).toBeNull();
    });

    it('lists a user’s passkeys oldest first and nobody else’s', async () => {
      const passkeys = store();
      const second = makePasskey('u1', { createdAt: at(HOUR) });
      const first = makePasskey('u1', { createdAt: at(0) });
      await passkeys.addPasskey(second);
      await passkeys.addPasskey(first);
      await passkeys.addPasskey(makePasskey('u2'));
      expect((await passkeys.listUserPasskeys('u1')).map((p) => p.id)).toEqual([first.id, second.id]);
      expect(await passkeys.listUserPasskeys('nobody')).toEqual([]);
    });

    it('deletes a passkey only for its own user', async () => {
      const passkeys = store();
      const passkey = makePasskey('u1');
      await passkeys.addPasskey(passkey);
      expect(await passkeys.deletePasskey('u2', passkey.id)).toBe(false);
      expect(await passkeys.findPasskey(passkey.id)).not.toBeNull();
      expect(await passkeys.deletePasskey('u1', passkey.id)).toBe(true);
      expect(await passkeys.findPasskey(passkey.id)).toBeNull();
      expect(await passkeys.deletePasskey('u1', passkey.id)).toBe(false);
    });

    it('records a use only while the counter is the expected one', async () => {
      const passkeys = store();
      const passkey = makePasskey('u1', { counter: 5 });
      await passkeys.addPasskey(passkey);
      expect(await passkeys.recordPasskeyUse(passkey.id, 4, 9, at(HOUR))).toBe(false);
      expect(await passkeys.findPasskey(passkey.id)).toEqual(passkey);
      expect(await passkeys.recordPasskeyUse(passkey.id, 5, 6, at(HOUR))).toBe(true);
      expect(await passkeys.findPasskey(passkey.id)).toEqual({ ...passkey, counter: 6, lastUsedAt: at(HOUR) });
      expect(await passkeys.recordPasskeyUse('missing', 0, 1, at(HOUR))).toBe(false);
    });

    it('of many concurrent uses with one expected counter, exactly one is recorded', async () => {
      const passkeys = store();
      const passkey = makePasskey('u1', { counter: 7 });
      await passkeys.addPasskey(passkey);
      const results = await race(ctx.concurrency, (i) => passkeys.recordPasskeyUse(passkey.id, 7, 8 + i, at(HOUR)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await passkeys.findPasskey(passkey.id))?.counter).toBe(8 + winner);
    });

    it('hands a challenge out once, with every field, and never again', async () => {
      const passkeys = store();
      const challenge = makeChallenge({ purpose: 'registration', userId: 'u1' });
      await passkeys.createPasskeyChallenge(challenge);
      expect(await passkeys.consumePasskeyChallenge(challenge.id, at(0))).toEqual(challenge);
      expect(await passkeys.consumePasskeyChallenge(challenge.id, at(0))).toBeNull();
      expect(await passkeys.consumePasskeyChallenge('missing', at(0))).toBeNull();
    });

    it('refuses an expired challenge, and removes it', async () => {
      const passkeys = store();
      const challenge = makeChallenge({ expiresAt: at(MINUTE) });
      await passkeys.createPasskeyChallenge(challenge);
      expect(await passkeys.consumePasskeyChallenge(challenge.id, at(MINUTE))).toBeNull();
      // Gone, not merely refused: a clock moved back cannot revive it.
      expect(await passkeys.consumePasskeyChallenge(challenge.id, at(0))).toBeNull();
    });

    it('of many concurrent consumes of one challenge, exactly one gets it', async () => {
      const passkeys = store();
      const challenge = makeChallenge();
      await passkeys.createPasskeyChallenge(challenge);
      const results = await race(ctx.concurrency, () => passkeys.consumePasskeyChallenge(challenge.id, at(0)));
      expect(results.filter((r) => r !== null)).toEqual([challenge]);
    });

    it('deletes expired challenges only', async () => {
      const passkeys = store();
      const old = makeChallenge({ expiresAt: at(MINUTE) });
      const live = makeChallenge({ expiresAt: at(HOUR) });
      await passkeys.createPasskeyChallenge(old);
      await passkeys.createPasskeyChallenge(live);
      expect(await passkeys.deleteExpiredPasskeyChallenges(at(2 * MINUTE))).toBe(1);
      expect(await passkeys.consumePasskeyChallenge(old.id, at(0))).toBeNull();
      expect(await passkeys.consumePasskeyChallenge(live.id, at(0))).toEqual(live);
    });
  });
}
