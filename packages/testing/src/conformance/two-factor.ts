import { describe, expect, it } from 'vitest';
import { HOUR, at, randomId } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';

const HASHES = Array.from({ length: 10 }, (_, i) => `recovery-hash-${i}`);

export function describeTwoFactorStore(ctx: ConformanceContext): void {
  describe('TwoFactorStore', () => {
    async function enabled(userId = randomId()): Promise<string> {
      const { twoFactor } = ctx.stores();
      expect(await twoFactor.savePendingTwoFactor(userId, 'sealed-1', at(0))).toBe(true);
      expect(await twoFactor.enableTwoFactor(userId, { secretEncrypted: 'sealed-1', step: 100, recoveryCodeHashes: HASHES, at: at(HOUR) })).toBe(true);
      return userId;
    }

    it('stores a pending enrolment, replaces it while pending, and enables it only with the secret it holds', async () => {
      const { twoFactor } = ctx.stores();
      const userId = randomId();
      expect(await twoFactor.findTwoFactor(userId)).toBeNull();
      expect(await twoFactor.savePendingTwoFactor(userId, 'sealed-1', at(0))).toBe(true);
      expect(await twoFactor.savePendingTwoFactor(userId, 'sealed-2', at(1000))).toBe(true);
      expect(await twoFactor.findTwoFactor(userId)).toEqual({
        userId,
        secretEncrypted: 'sealed-2',
        enabledAt: null,
        lastUsedStep: null,
        recoveryCodeHashes: [],
        createdAt: at(1000),
      });
      // The replaced secret no longer confirms anything.
      expect(await twoFactor.enableTwoFactor(userId, { secretEncrypted: 'sealed-1', step: 5, recoveryCodeHashes: HASHES, at: at(HOUR) })).toBe(false);
      expect(await twoFactor.useTotpStep(userId, 6)).toBe(false);
      expect(await twoFactor.enableTwoFactor(userId, { secretEncrypted: 'sealed-2', step: 5, recoveryCodeHashes: HASHES, at: at(HOUR) })).toBe(true);
      const record = await twoFactor.findTwoFactor(userId);
      expect(record).toMatchObject({ secretEncrypted: 'sealed-2', enabledAt: at(HOUR), lastUsedStep: 5 });
      expect([...(record?.recoveryCodeHashes ?? [])].sort()).toEqual([...HASHES].sort());
      expect(await twoFactor.enableTwoFactor(userId, { secretEncrypted: 'sealed-2', step: 9, recoveryCodeHashes: [], at: at(HOUR) })).toBe(false);
    });

    it('never lets a new enrolment replace an enabled factor', async () => {
      const { twoFactor } = ctx.stores();
      const userId = await enabled();
      expect(await twoFactor.savePendingTwoFactor(userId, 'attacker', at(2 * HOUR))).toBe(false);
      expect(await twoFactor.findTwoFactor(userId)).toMatchObject({ secretEncrypted: 'sealed-1', enabledAt: at(HOUR) });
    });

    it('accepts each TOTP step once and only steps later than the last one used', async () => {
      const { twoFactor } = ctx.stores();
      const userId = await enabled();
      expect(await twoFactor.useTotpStep(userId, 100)).toBe(false);
      expect(await twoFactor.useTotpStep(userId, 99)).toBe(false);
      expect(await twoFactor.useTotpStep(userId, 101)).toBe(true);
      expect(await twoFactor.useTotpStep(userId, 101)).toBe(false);
      expect((await twoFactor.findTwoFactor(userId))?.lastUsedStep).toBe(101);
      expect(await twoFactor.useTotpStep(randomId(), 1)).toBe(false);
    });

    it('lets exactly one of many concurrent uses of one step win', async () => {
      const { twoFactor } = ctx.stores();
      const userId = await enabled();
      const results = await race(ctx.concurrency, () => twoFactor.useTotpStep(userId, 200));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('spends each recovery code once, exactly one of concurrent uses winning', async () => {
      const { twoFactor } = ctx.stores();
      const userId = await enabled();
      const results = await race(ctx.concurrency, () => twoFactor.useRecoveryCode(userId, HASHES[3] as string));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await twoFactor.useRecoveryCode(userId, HASHES[3] as string)).toBe(false);
      expect(await twoFactor.useRecoveryCode(userId, 'not-a-code')).toBe(false);
      // Another user's code is not this user's.
      expect(await twoFactor.useRecoveryCode(randomId(), HASHES[4] as string)).toBe(false);
      expect((await twoFactor.findTwoFactor(userId))?.recoveryCodeHashes).toHaveLength(9);
    });

    it('replaces every recovery code of an enabled factor at once, and only of an enabled one', async () => {
      const { twoFactor } = ctx.stores();
      const userId = await enabled();
      const fresh = ['fresh-hash-a', 'fresh-hash-b'];
      expect(await twoFactor.replaceRecoveryCodes(userId, fresh)).toBe(true);
      expect([...((await twoFactor.findTwoFactor(userId))?.recoveryCodeHashes ?? [])].sort()).toEqual(fresh);
      expect(await twoFactor.useRecoveryCode(userId, HASHES[0] as string)).toBe(false);
      expect(await twoFactor.useRecoveryCode(userId, 'fresh-hash-a')).toBe(true);
      // The secret and the last step are untouched.
      expect(await twoFactor.findTwoFactor(userId)).toMatchObject({ secretEncrypted: 'sealed-1', lastUsedStep: 100 });

      const pending = randomId();
      expect(await twoFactor.savePendingTwoFactor(pending, 'sealed-1', at(0))).toBe(true);
      expect(await twoFactor.replaceRecoveryCodes(pending, fresh)).toBe(false);
      expect((await twoFactor.findTwoFactor(pending))?.recoveryCodeHashes).toEqual([]);
      expect(await twoFactor.replaceRecoveryCodes(randomId(), fresh)).toBe(false);
    });

    it('a replacement racing the factor\'s removal never leaves codes behind without a factor', async () => {
      const { twoFactor } = ctx.stores();
      for (let round = 0; round < 10; round += 1) {
        const userId = await enabled();
        await Promise.all([twoFactor.replaceRecoveryCodes(userId, ['raced-hash']), twoFactor.deleteTwoFactor(userId)]);
        expect(await twoFactor.findTwoFactor(userId)).toBeNull();
        // Codes left behind would show up on the next enrolment.
        expect(await twoFactor.savePendingTwoFactor(userId, 'sealed-4', at(0))).toBe(true);
        expect((await twoFactor.findTwoFactor(userId))?.recoveryCodeHashes).toEqual([]);
      }
    });

    it('deletes a factor with its recovery codes', async () => {
      const { twoFactor } = ctx.stores();
      const userId = await enabled();
      expect(await twoFactor.deleteTwoFactor(userId)).toBe(true);
      expect(await twoFactor.deleteTwoFactor(userId)).toBe(false);
      expect(await twoFactor.findTwoFactor(userId)).toBeNull();
      expect(await twoFactor.useRecoveryCode(userId, HASHES[0] as string)).toBe(false);
      // A fresh enrolment starts without the old codes.
      expect(await twoFactor.savePendingTwoFactor(userId, 'sealed-3', at(0))).toBe(true);
      expect((await twoFactor.findTwoFactor(userId))?.recoveryCodeHashes).toEqual([]);
    });

    it('hands a challenge to exactly one of many concurrent consumers, and housekeeping drops expired ones', async () => {
      const { twoFactor } = ctx.stores();
      const challenge = { idHash: randomId(), userId: randomId(), createdAt: at(0), expiresAt: at(300_000) };
      await twoFactor.createTwoFactorChallenge(challenge);
      expect(await twoFactor.findTwoFactorChallenge(challenge.idHash)).toEqual(challenge);
      const results = await race(ctx.concurrency, () => twoFactor.consumeTwoFactorChallenge(challenge.idHash));
      expect(results.filter((r) => r !== null)).toEqual([challenge]);
      expect(await twoFactor.findTwoFactorChallenge(challenge.idHash)).toBeNull();

      const old = { idHash: randomId(), userId: randomId(), createdAt: at(0), expiresAt: at(1000) };
      const fresh = { idHash: randomId(), userId: randomId(), createdAt: at(0), expiresAt: at(HOUR) };
      await twoFactor.createTwoFactorChallenge(old);
      await twoFactor.createTwoFactorChallenge(fresh);
      expect(await twoFactor.deleteExpiredTwoFactorChallenges(at(2000))).toBe(1);
      expect(await twoFactor.findTwoFactorChallenge(old.idHash)).toBeNull();
      expect(await twoFactor.findTwoFactorChallenge(fresh.idHash)).toEqual(fresh);
    });
  });
}
