import { codeOf, codeOfSync, type FixedClock } from '../../test/helpers.js';
import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { hashSecret, parseRefreshToken } from '../session/refresh-token.js';
import { currentSecretFor, MAX_RECENT_ROTATIONS } from '../session/rotation-history.js';
import type { Auth } from './create-auth.js';
import { createTestAuth, DERIVED, PASSWORD } from '../../test/auth-harness.js';

async function signedUp() {
  const harness = await createTestAuth();
  const { user, tokens } = await harness.auth.signup({ email: 'ann@example.test', password: PASSWORD }, { userAgent: 'test', ip: '127.0.0.1' });
  return { ...harness, user, tokens };
}

/** Generation 0 (`first`) and the `count` tokens that replaced it, one rotation every `stepMs`. */
async function rotations(auth: Auth, clock: FixedClock, first: string, count: number, stepMs: number): Promise<string[]> {
  const tokens = [first];
  for (let i = 0; i < count; i += 1) {
    tokens.push((await auth.refresh(tokens[i]!)).refreshToken);
    clock.advance(stepMs);
  }
  return tokens;
}

function hashOf(token: string): string {
  return hashSecret(parseRefreshToken(token)!.secret);
}



describe('refresh rotation', () => {
  it('rotates on every use: the new token works, the response carries a new access token', async () => {
    const { auth, clock, tokens } = await signedUp();
    clock.advance(60_000);
    const next = await auth.refresh(tokens.refreshToken);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next.sessionId).toBe(tokens.sessionId);
    expect(auth.verifyAccessToken(next.accessToken).sid).toBe(tokens.sessionId);
    clock.advance(60_000);
    const third = await auth.refresh(next.refreshToken);
    expect(third.refreshToken).not.toBe(next.refreshToken);
  });

  it('answers a just-superseded token inside the grace window with the same successor, without revoking', async () => {
    const { auth, clock, tokens } = await signedUp();
    const first = await auth.refresh(tokens.refreshToken);
    clock.advance(9_000);
    const again = await auth.refresh(tokens.refreshToken);
    expect(again.refreshToken).toBe(first.refreshToken);
    expect(auth.verifyAccessToken(again.accessToken).sid).toBe(tokens.sessionId);
    expect(await codeOf(auth.refresh(first.refreshToken))).toBe('ok');
  });

  it('treats the superseded token after the grace window as reuse: the session and its access tokens die', async () => {
    const { auth, clock, tokens, revokedEvents } = await signedUp();
    const first = await auth.refresh(tokens.refreshToken);
    clock.advance(11_000);
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('invalid_grant');
    expect(await codeOf(auth.refresh(first.refreshToken))).toBe('invalid_grant');
    expect(codeOfSync(() => auth.verifyAccessToken(first.accessToken))).toBe('invalid_token');
    expect(codeOfSync(() => auth.verifyAccessToken(tokens.accessToken))).toBe('invalid_token');
    expect(revokedEvents).toEqual([[tokens.sessionId]]);
  });

  it('answers tokens of several generations superseded inside the window with the current token', async () => {
    const { auth, clock, tokens, stores, revokedEvents } = await signedUp();
    const generation = await rotations(auth, clock, tokens.refreshToken, 4, 2_000);
    const current = generation[4]!;
    // gen0 was superseded 8 s ago, gen3 2 s ago: all inside the 10 s window, all led to gen4.
    for (const old of generation.slice(0, 4)) {
      const answer = await auth.refresh(old);
      expect(answer.refreshToken).toBe(current);
      expect(auth.verifyAccessToken(answer.accessToken).sid).toBe(tokens.sessionId);
    }
    expect(revokedEvents).toEqual([]);
    expect((await stores.sessions.findSession(tokens.sessionId))?.recentRotations).toHaveLength(4);
    const next = await auth.refresh(current);
    expect(next.refreshToken).not.toBe(current);
  });

  it('treats a token superseded a full window ago as reuse even while later generations are inside it', async () => {
    const { auth, clock, tokens, revokedEvents } = await signedUp();
    const [gen0, gen1, gen2] = await rotations(auth, clock, tokens.refreshToken, 2, 5_000);
    // gen0 was superseded exactly 10 s ago (the window is "less than 10 s"), gen1 5 s ago.
    expect((await auth.refresh(gen1!)).refreshToken).toBe(gen2);
    expect(await codeOf(auth.refresh(gen0!))).toBe('invalid_grant');
    expect(revokedEvents).toEqual([[tokens.sessionId]]);
    expect(await codeOf(auth.refresh(gen2!))).toBe('invalid_grant');
  });

  it('with the grace window off, any second use of a token is reuse, even at the same instant', async () => {
    const harness = await createTestAuth({ refreshGraceSeconds: 0 });
    const { tokens } = await harness.auth.signup({ email: 'ann@example.test', password: PASSWORD }, {});
    const next = await harness.auth.refresh(tokens.refreshToken);
    expect(await codeOf(harness.auth.refresh(tokens.refreshToken))).toBe('invalid_grant');
    expect(harness.revokedEvents).toEqual([[tokens.sessionId]]);
    expect(await codeOf(harness.auth.refresh(next.refreshToken))).toBe('invalid_grant');
  });

  it('keeps exactly one lineage when a naive client races with three generations at once', async () => {
    const { auth, clock, tokens, stores, revokedEvents } = await signedUp();
    const [gen0, gen1, gen2] = await rotations(auth, clock, tokens.refreshToken, 2, 1_000);
    const held = [gen0!, gen1!, gen2!];
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => auth.refresh(held[i % 3]!)));
    const session = await stores.sessions.findSession(tokens.sessionId);
    // One rotation (gen2 → gen3) won; every answer is gen3, or gen2 read before that rotation won.
    expect(session?.recentRotations).toHaveLength(3);
    const gen3 = answers.find((a) => hashOf(a.refreshToken) === session?.secretHash)?.refreshToken;
    expect(gen3).toBeDefined();
    for (const answer of answers) expect([gen2, gen3]).toContain(answer.refreshToken);
    expect(revokedEvents).toEqual([]);

    clock.advance(10_000);
    const gen4 = await auth.refresh(gen3!);
    expect(gen4.refreshToken).not.toBe(gen3);
    // Beyond the window every earlier token of the lineage is reuse.
    const after = (await stores.sessions.findSession(tokens.sessionId))!;
    for (const old of [gen0!, gen1!, gen2!]) {
      expect(currentSecretFor(DERIVED.refresh, after, parseRefreshToken(old)!.secret, clock.now() - 10_000)).toBeNull();
    }
    expect(await codeOf(auth.refresh(gen2!))).toBe('invalid_grant');
    expect(revokedEvents).toEqual([[tokens.sessionId]]);
  });

  it(`fails closed past ${MAX_RECENT_ROTATIONS} rotations inside one window: older tokens are reuse`, async () => {
    const { auth, clock, tokens, stores, revokedEvents } = await signedUp();
    const generation = await rotations(auth, clock, tokens.refreshToken, MAX_RECENT_ROTATIONS + 1, 100);
    expect((await stores.sessions.findSession(tokens.sessionId))?.recentRotations).toHaveLength(MAX_RECENT_ROTATIONS);
    // gen1 was superseded by the oldest rotation still kept; gen0 by one the cap dropped.
    expect((await auth.refresh(generation[1]!)).refreshToken).toBe(generation.at(-1));
    expect(await codeOf(auth.refresh(generation[0]!))).toBe('invalid_grant');
    expect(revokedEvents).toEqual([[tokens.sessionId]]);
  });

  it('prunes the rotation history to the grace window on the next rotation', async () => {
    const { auth, clock, tokens, stores } = await signedUp();
    const generation = await rotations(auth, clock, tokens.refreshToken, 3, 1_000);
    clock.advance(10_000);
    await auth.refresh(generation[3]!);
    const session = await stores.sessions.findSession(tokens.sessionId);
    expect(session?.recentRotations).toEqual([{ supersededHash: hashOf(generation[3]!), nonce: expect.any(String), rotatedAt: new Date(clock.now()) }]);
  });

  it('20 parallel refreshes with one token all succeed and leave exactly one live successor', async () => {
    const { auth, clock, tokens } = await signedUp();
    const results = await Promise.all(Array.from({ length: 20 }, () => auth.refresh(tokens.refreshToken)));
    const successors = new Set(results.map((r) => r.refreshToken));
    expect(successors.size).toBe(1);
    for (const result of results) expect(auth.verifyAccessToken(result.accessToken).sid).toBe(tokens.sessionId);
    clock.advance(11_000);
    const [successor] = successors;
    expect(await codeOf(auth.refresh(successor!))).toBe('ok');
  });

  it('keeps a normal rotation at three store calls: the history rides in the compare-and-swap', async () => {
    const { auth, clock, stores, tokens } = await signedUp();
    const next = await auth.refresh(tokens.refreshToken);
    clock.advance(1_000);
    const calls: string[] = [];
    for (const store of [stores.sessions, stores.users] as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>[]) {
      for (const [name, method] of Object.entries(store)) {
        store[name] = (...args) => {
          calls.push(name);
          return method(...args);
        };
      }
    }
    await auth.refresh(next.refreshToken);
    expect(calls).toEqual(['findSession', 'findUserById', 'rotateSession']);
  });

  it('refuses a forged secret for a real session id without revoking the session', async () => {
    const { auth, tokens } = await signedUp();
    const forged = `${tokens.sessionId}.${Buffer.alloc(48, 1).toString('base64url')}`;
    expect(await codeOf(auth.refresh(forged))).toBe('invalid_grant');
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('ok');
  });

  it('refuses an access token sent as a refresh token, and malformed strings', async () => {
    const { auth, tokens } = await signedUp();
    for (const bad of [tokens.accessToken, '', 'x', `${tokens.refreshToken}=`, ` ${tokens.refreshToken}`, tokens.refreshToken.toUpperCase()]) {
      expect(await codeOf(auth.refresh(bad))).toBe('invalid_grant');
    }
  });

  it('ends a session that sat idle past the refresh lifetime, and every session at its absolute lifetime', async () => {
    const idle = await signedUp();
    idle.clock.advance(14 * 86400_000 + 1);
    expect(await codeOf(idle.auth.refresh(idle.tokens.refreshToken))).toBe('invalid_grant');

    const busy = await signedUp();
    let token = busy.tokens.refreshToken;
    for (let day = 0; day < 29; day += 1) {
      busy.clock.advance(86400_000);
      token = (await busy.auth.refresh(token)).refreshToken;
    }
    busy.clock.advance(86400_000 + 1);
    expect(await codeOf(busy.auth.refresh(token))).toBe('invalid_grant');
  });

  it('stores only a hash of the secret', async () => {
    const { stores, tokens } = await signedUp();
    const parsed = parseRefreshToken(tokens.refreshToken)!;
    const session = await stores.sessions.findSession(parsed.sessionId);
    expect(JSON.stringify(session)).not.toContain(parsed.secret.toString('base64url'));
  });

  it('checks the CSRF token against the session it belongs to', async () => {
    const one = await signedUp();
    const other = await one.auth.login({ email: 'ann@example.test', password: PASSWORD }, {});
    expect(() => one.auth.checkRefreshCsrf(one.tokens.refreshToken, one.tokens.csrfToken)).not.toThrow();
    expect(codeOfSync(() => one.auth.checkRefreshCsrf(one.tokens.refreshToken, other.tokens.csrfToken))).toBe('csrf_failed');
    expect(codeOfSync(() => one.auth.checkRefreshCsrf(one.tokens.refreshToken, undefined))).toBe('csrf_failed');
  });

  it('does not rotate when the user store is down, so the retry is not mistaken for reuse', async () => {
    const { auth, clock, stores, tokens } = await signedUp();
    const findUserById = stores.users.findUserById.bind(stores.users);
    stores.users.findUserById = async () => {
      throw new TesseraError('unavailable');
    };
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('unavailable');
    stores.users.findUserById = findUserById;
    clock.advance(11_000); // past the grace window: a rotated token would now count as reuse
    expect(await codeOf(auth.refresh(tokens.refreshToken))).toBe('ok');
  });
});
