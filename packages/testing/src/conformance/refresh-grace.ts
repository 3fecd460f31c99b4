import { randomBytes } from 'node:crypto';
import {
  createAuth,
  createRefreshSecret,
  deriveKeys,
  formatRefreshToken,
  generateSigningKey,
  hashSecret,
  parseRefreshToken,
  type Auth,
  type Stores,
  type VerificationKey,
} from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { createFixedClock, type FixedClock } from '../clock.js';
import { tesseraFailure } from '../failure.js';
import { MINUTE, SECOND, at, makeSession } from '../fixtures.js';
import { race, type ConformanceContext } from './context.js';
import { newUserId } from './sessions.js';

const GRACE_SECONDS = 10;

interface GraceFixture {
  auth: Auth;
  clock: FixedClock;
  stores: Stores;
  sessionId: string;
  /** The session's first refresh token (generation 0). */
  token: string;
}

/** The auth core over the stores under test, with a hand-moved clock, and one fresh session to refresh. */
async function graceFixture(stores: Stores): Promise<GraceFixture> {
  const clock = createFixedClock(at(MINUTE).getTime());
  const derived = deriveKeys(Buffer.alloc(32, 9));
  const key = generateSigningKey('ES256');
  const verificationKey: VerificationKey = { kid: key.kid, alg: key.alg, key: key.publicKey };
  const auth = await createAuth({
    stores,
    keys: { signingKey: () => key, resolve: (kid) => (kid === key.kid ? verificationKey : undefined) },
    derived,
    settings: {
      issuer: 'https://auth.example.test',
      audience: ['tessera'],
      accessTtlSeconds: 900,
      refreshTtlSeconds: 14 * 86400,
      sessionMaxAgeSeconds: 30 * 86400,
      refreshGraceSeconds: GRACE_SECONDS,
      clockToleranceSeconds: 5,
    },
    now: clock.now,
  });
  const session = makeSession(await newUserId(stores));
  const secret = createRefreshSecret(derived.refresh, session.id, randomBytes);
  await stores.sessions.createSession({ ...session, secretHash: hashSecret(secret) });
  return { auth, clock, stores, sessionId: session.id, token: formatRefreshToken(session.id, secret) };
}

/** Generations 0…count of one session's refresh token, rotating one second apart. */
async function generations(f: GraceFixture, count: number): Promise<string[]> {
  const tokens = [f.token];
  for (let i = 0; i < count; i += 1) {
    tokens.push((await f.auth.refresh(tokens[i]!)).refreshToken);
    f.clock.advance(SECOND);
  }
  return tokens;
}

function isCurrent(token: string, secretHash: string | undefined): boolean {
  return hashSecret(parseRefreshToken(token)!.secret) === secretHash;
}

export function describeRefreshGrace(ctx: ConformanceContext): void {
  describe('refresh grace window over this store (the core rule, end to end)', () => {
    it(`answers ${ctx.concurrency} concurrent refreshes holding generations 0, 1 and 2 with the same current token`, async () => {
      const f = await graceFixture(ctx.stores());
      const [gen0, gen1, gen2, gen3] = await generations(f, 3);
      const held = [gen0!, gen1!, gen2!];
      const results = await race(ctx.concurrency, (i) => f.auth.refresh(held[i % 3]!));
      expect(new Set(results.map((r) => r.refreshToken))).toEqual(new Set([gen3]));
      for (const result of results) expect(f.auth.verifyAccessToken(result.accessToken).sid).toBe(f.sessionId);
      const session = await f.stores.sessions.findSession(f.sessionId);
      expect(session?.revokedAt).toBeNull();
      expect(session?.recentRotations).toHaveLength(3);
      expect((await f.auth.refresh(gen3!)).refreshToken).not.toBe(gen3);
    });

    it(`keeps exactly one lineage when ${ctx.concurrency} refreshes race holding generations 0 and 1 and the current 2`, async () => {
      const f = await graceFixture(ctx.stores());
      const [gen0, gen1, gen2] = await generations(f, 2);
      const held = [gen0!, gen1!, gen2!];
      const results = await race(ctx.concurrency, (i) => f.auth.refresh(held[i % 3]!));
      const session = await f.stores.sessions.findSession(f.sessionId);
      expect(session?.revokedAt).toBeNull();
      // Exactly one rotation happened in the race (2 → 3); every answer is generation 3, or generation 2 read
      // just before that rotation won.
      expect(session?.recentRotations).toHaveLength(3);
      const current = results.find((r) => isCurrent(r.refreshToken, session?.secretHash))?.refreshToken;
      expect(current).toBeDefined();
      expect(new Set(results.map((r) => r.refreshToken)).size).toBeLessThanOrEqual(2);
      for (const result of results) expect([current, gen2]).toContain(result.refreshToken);

      f.clock.advance(GRACE_SECONDS * SECOND);
      expect((await f.auth.refresh(current!)).refreshToken).not.toBe(current);
      expect((await tesseraFailure(f.auth.refresh(gen2!))).code).toBe('invalid_grant');
      expect((await f.stores.sessions.findSession(f.sessionId))?.revokedReason).toBe('reuse_detected');
    });

    it('treats a token superseded longer ago than the window as reuse and revokes the session', async () => {
      const f = await graceFixture(ctx.stores());
      const [gen0, , gen2] = await generations(f, 2);
      f.clock.advance(GRACE_SECONDS * SECOND - 2 * SECOND); // gen0 was superseded exactly one window ago
      expect((await tesseraFailure(f.auth.refresh(gen0!))).code).toBe('invalid_grant');
      expect((await f.stores.sessions.findSession(f.sessionId))?.revokedReason).toBe('reuse_detected');
      expect((await tesseraFailure(f.auth.refresh(gen2!))).code).toBe('invalid_grant');
    });
  });
}
