import type { OneTimeTokenRecord } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { DAY, at, makeUser, randomId } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';

function makeToken(userId: string, overrides: Partial<OneTimeTokenRecord> = {}): OneTimeTokenRecord {
  return {
    hash: randomId(),
    purpose: 'password_reset',
    userId,
    email: 'ann@example.test',
    createdAt: at(0),
    expiresAt: at(30 * 60_000),
    ...overrides,
  };
}

/** Mailed one-time tokens and verified addresses: single use under races, newest link wins, expiry. */
export function describeOneTimeTokens(ctx: ConformanceContext): void {
  describe('OneTimeTokenStore', () => {
    it('consumes a token once: the record the first time, null afterwards', async () => {
      const { oneTimeTokens } = ctx.stores();
      const token = makeToken('u1');
      await oneTimeTokens.issueOneTimeToken(token);
      expect(await oneTimeTokens.consumeOneTimeToken(token.hash, 'password_reset', at(1000))).toEqual(token);
      expect(await oneTimeTokens.consumeOneTimeToken(token.hash, 'password_reset', at(1000))).toBeNull();
    });

    it('of many concurrent consumes of one token exactly one gets it', async () => {
      const { oneTimeTokens } = ctx.stores();
      const token = makeToken('u1');
      await oneTimeTokens.issueOneTimeToken(token);
      const results = await race(ctx.concurrency, () => oneTimeTokens.consumeOneTimeToken(token.hash, 'password_reset', at(1000)));
      expect(results.filter((r) => r !== null)).toEqual([token]);
    });

    it('never accepts a token for another purpose, and leaves it usable for its own', async () => {
      const { oneTimeTokens } = ctx.stores();
      const token = makeToken('u1', { purpose: 'verify_email' });
      await oneTimeTokens.issueOneTimeToken(token);
      expect(await oneTimeTokens.consumeOneTimeToken(token.hash, 'password_reset', at(1000))).toBeNull();
      expect(await oneTimeTokens.consumeOneTimeToken(token.hash, 'verify_email', at(1000))).toEqual(token);
    });

    it('refuses an expired token (at its expiry instant) and deletes it', async () => {
      const { oneTimeTokens } = ctx.stores();
      const token = makeToken('u1');
      await oneTimeTokens.issueOneTimeToken(token);
      expect(await oneTimeTokens.consumeOneTimeToken(token.hash, 'password_reset', token.expiresAt)).toBeNull();
      expect(await oneTimeTokens.consumeOneTimeToken(token.hash, 'password_reset', at(0))).toBeNull();
    });

    it('a newer token of the same user and purpose kills the older ones, not other users\' or purposes\'', async () => {
      const { oneTimeTokens } = ctx.stores();
      const older = makeToken('u1');
      const verify = makeToken('u1', { purpose: 'verify_email' });
      const other = makeToken('u2');
      const newer = makeToken('u1', { createdAt: at(5000) });
      for (const t of [older, verify, other, newer]) await oneTimeTokens.issueOneTimeToken(t);
      expect(await oneTimeTokens.consumeOneTimeToken(older.hash, 'password_reset', at(6000))).toBeNull();
      expect(await oneTimeTokens.consumeOneTimeToken(newer.hash, 'password_reset', at(6000))).toEqual(newer);
      expect(await oneTimeTokens.consumeOneTimeToken(verify.hash, 'verify_email', at(6000))).toEqual(verify);
      expect(await oneTimeTokens.consumeOneTimeToken(other.hash, 'password_reset', at(6000))).toEqual(other);
    });

    it('of many concurrent links for one user and purpose, exactly one stays alive', async () => {
      const { oneTimeTokens } = ctx.stores();
      const userId = randomId();
      const tokens = Array.from({ length: ctx.concurrency }, () => makeToken(userId));
      await race(ctx.concurrency, (i) => oneTimeTokens.issueOneTimeToken(tokens[i]!));
      const alive: OneTimeTokenRecord[] = [];
      for (const token of tokens) {
        const record = await oneTimeTokens.consumeOneTimeToken(token.hash, 'password_reset', at(1000));
        if (record !== null) alive.push(record);
      }
      expect(alive).toHaveLength(1);
    });

    it('deletes every token of a user for one purpose and counts them', async () => {
      const { oneTimeTokens } = ctx.stores();
      const reset = makeToken('u1');
      const verify = makeToken('u1', { purpose: 'verify_email' });
      await oneTimeTokens.issueOneTimeToken(reset);
      await oneTimeTokens.issueOneTimeToken(verify);
      expect(await oneTimeTokens.deleteUserOneTimeTokens('u1', 'password_reset')).toBe(1);
      expect(await oneTimeTokens.deleteUserOneTimeTokens('u1', 'password_reset')).toBe(0);
      expect(await oneTimeTokens.consumeOneTimeToken(reset.hash, 'password_reset', at(1))).toBeNull();
      expect(await oneTimeTokens.consumeOneTimeToken(verify.hash, 'verify_email', at(1))).toEqual(verify);
    });
  });

  describe('EmailVerificationStore', () => {
    it('records the verified address; another address of the same user is not verified', async () => {
      const { emailVerifications } = ctx.stores();
      expect(await emailVerifications.emailVerifiedAt('u1', 'ann@example.test')).toBeNull();
      await emailVerifications.markEmailVerified('u1', 'ann@example.test', at(DAY));
      expect(await emailVerifications.emailVerifiedAt('u1', 'ann@example.test')).toEqual(at(DAY));
      expect(await emailVerifications.emailVerifiedAt('u1', 'other@example.test')).toBeNull();
      expect(await emailVerifications.emailVerifiedAt('u2', 'ann@example.test')).toBeNull();
    });

    it('concurrent marks for one user all succeed and leave one record', async () => {
      const { emailVerifications } = ctx.stores();
      await race(Math.min(ctx.concurrency, 10), (i) => emailVerifications.markEmailVerified('u1', `a${i}@example.test`, at(i)));
      const found = await Promise.all(Array.from({ length: Math.min(ctx.concurrency, 10) }, (_, i) => emailVerifications.emailVerifiedAt('u1', `a${i}@example.test`)));
      expect(found.filter((f) => f !== null)).toHaveLength(1);
    });

    it('verifying a new address replaces the old record', async () => {
      const { emailVerifications } = ctx.stores();
      await emailVerifications.markEmailVerified('u1', 'ann@example.test', at(1));
      await emailVerifications.markEmailVerified('u1', 'new@example.test', at(2));
      expect(await emailVerifications.emailVerifiedAt('u1', 'ann@example.test')).toBeNull();
      expect(await emailVerifications.emailVerifiedAt('u1', 'new@example.test')).toEqual(at(2));
    });
  });

  describe('UserStore.updateUserEmail', () => {
    it('changes the email (found by the new one, not the old), refuses a taken one, and reports a missing user', async () => {
      const { users } = ctx.stores();
      const ann = makeUser();
      const bob = makeUser();
      await users.createUser(ann);
      await users.createUser(bob);
      const newEmail = `new-${randomId()}@example.test`;
      expect(await users.updateUserEmail(ann.id, newEmail, at(DAY))).toBe('changed');
      expect(await users.findUserByEmail(ann.email)).toBeNull();
      expect(await users.findUserByEmail(newEmail)).toMatchObject({ id: ann.id, email: newEmail, updatedAt: at(DAY) });
      expect(await users.updateUserEmail(bob.id, newEmail, at(DAY))).toBe('taken');
      expect((await users.findUserById(bob.id))?.email).toBe(bob.email);
      expect(await users.updateUserEmail('no-such-user', `x-${randomId()}@example.test`, at(DAY))).toBe('not_found');
    });

    it('of concurrent changes of two users to one address exactly one wins', async () => {
      const { users } = ctx.stores();
      const people = [makeUser(), makeUser(), makeUser(), makeUser()];
      for (const u of people) await users.createUser(u);
      const target = `wanted-${randomId()}@example.test`;
      const outcomes = await race(people.length, (i) => users.updateUserEmail(people[i]!.id, target, at(DAY)));
      expect(outcomes.filter((o) => o === 'changed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'taken')).toHaveLength(people.length - 1);
    });
  });
}
