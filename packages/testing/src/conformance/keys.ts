import { describe, expect, it } from 'vitest';
import { DAY, HOUR, at, makeKey } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';

export function describeKeyStore(ctx: ConformanceContext): void {
  describe('KeyStore', () => {
    it('starts empty', async () => {
      expect(await ctx.stores().keys.listKeys()).toEqual([]);
    });

    it('adds a signing key and retires every previous one at the new key’s createdAt', async () => {
      const { keys } = ctx.stores();
      const first = makeKey({ createdAt: at(0) });
      const second = makeKey({ createdAt: at(DAY), alg: 'EdDSA' });
      const third = makeKey({ createdAt: at(2 * DAY + 1), alg: 'RS256' });
      await keys.addSigningKey(first);
      expect(await keys.listKeys()).toEqual([first]);
      await keys.addSigningKey(second);
      await keys.addSigningKey(third);
      const listed = await keys.listKeys();
      const byKid = new Map(listed.map((k) => [k.kid, k]));
      expect(byKid.get(first.kid)).toEqual({ ...first, retiredAt: at(DAY) });
      expect(byKid.get(second.kid)).toEqual({ ...second, retiredAt: at(2 * DAY + 1) });
      expect(byKid.get(third.kid)).toEqual(third);
      expect(listed.filter((k) => k.retiredAt === null)).toHaveLength(1);
    });

    it('stores an HS256 key without key material', async () => {
      const { keys } = ctx.stores();
      const key = makeKey({ alg: 'HS256', publicJwk: null, privateKeyEncrypted: null });
      await keys.addSigningKey(key);
      expect(await keys.listKeys()).toEqual([key]);
    });

    it('keeps exactly one signing key when keys are added concurrently', async () => {
      const { keys } = ctx.stores();
      await keys.addSigningKey(makeKey({ createdAt: at(0) }));
      const count = Math.min(ctx.concurrency, 8);
      await race(count, (i) => keys.addSigningKey(makeKey({ createdAt: at(HOUR + i) })));
      const listed = await keys.listKeys();
      expect(listed).toHaveLength(count + 1);
      expect(listed.filter((k) => k.retiredAt === null)).toHaveLength(1);
    });

    it('adds a key replacing a given kid only while that kid signs; otherwise changes nothing', async () => {
      const { keys } = ctx.stores();
      const first = makeKey({ createdAt: at(0) });
      expect(await keys.addSigningKey(first)).toBe(true);
      const second = makeKey({ createdAt: at(DAY) });
      expect(await keys.addSigningKey(second, { replacing: first.kid })).toBe(true);
      const stale = makeKey({ createdAt: at(2 * DAY) });
      expect(await keys.addSigningKey(stale, { replacing: first.kid })).toBe(false);
      expect(await keys.addSigningKey(stale, { replacing: 'no-such-kid' })).toBe(false);
      const listed = await keys.listKeys();
      expect(listed.map((k) => k.kid).sort()).toEqual([first.kid, second.kid].sort());
      expect(listed.find((k) => k.kid === second.kid)!.retiredAt).toBeNull();
    });

    it('of many concurrent rotations replacing one kid, exactly one adds its key', async () => {
      const { keys } = ctx.stores();
      const first = makeKey({ createdAt: at(0) });
      await keys.addSigningKey(first);
      const count = Math.min(ctx.concurrency, 8);
      const results = await race(count, (i) => keys.addSigningKey(makeKey({ createdAt: at(HOUR + i) }), { replacing: first.kid }));
      expect(results.filter((added) => added)).toHaveLength(1);
      const listed = await keys.listKeys();
      expect(listed).toHaveLength(2);
      expect(listed.filter((k) => k.retiredAt === null)).toHaveLength(1);
    });

    it('deletes one retired key by kid, never the signing key or another key', async () => {
      const { keys } = ctx.stores();
      const [old, other, current] = [makeKey({ createdAt: at(0) }), makeKey({ createdAt: at(DAY) }), makeKey({ createdAt: at(2 * DAY) })];
      for (const key of [old, other, current]) await keys.addSigningKey(key);
      expect(await keys.deleteRetiredKey(current.kid)).toBe(false);
      expect(await keys.deleteRetiredKey('no-such-kid')).toBe(false);
      expect(await keys.deleteRetiredKey(old.kid)).toBe(true);
      expect(await keys.deleteRetiredKey(old.kid)).toBe(false);
      expect((await keys.listKeys()).map((k) => k.kid).sort()).toEqual([other.kid, current.kid].sort());
    });

    it('deletes retired keys retired before the cut-off, never the signing key', async () => {
      const { keys } = ctx.stores();
      const old = makeKey({ createdAt: at(0) });
      const recent = makeKey({ createdAt: at(DAY) });
      const current = makeKey({ createdAt: at(3 * DAY) });
      for (const key of [old, recent, current]) await keys.addSigningKey(key);
      // old retired at DAY, recent at 3 DAY, current signs.
      expect(await keys.deleteRetiredKeys(at(DAY))).toBe(0);
      expect(await keys.deleteRetiredKeys(at(2 * DAY))).toBe(1);
      expect((await keys.listKeys()).map((k) => k.kid).sort()).toEqual([recent.kid, current.kid].sort());
      expect(await keys.deleteRetiredKeys(at(365 * DAY))).toBe(1);
      expect((await keys.listKeys()).map((k) => k.kid)).toEqual([current.kid]);
    });
  });
}
