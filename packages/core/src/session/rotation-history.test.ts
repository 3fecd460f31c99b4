import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RotationRecord } from '../store/types.js';
import { createRefreshSecret, hashSecret, successorSecret } from './refresh-token.js';
import { currentSecretFor, MAX_RECENT_ROTATIONS, rotationsToKeep } from './rotation-history.js';

const KEY = Buffer.alloc(32, 5);
const SESSION_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const T = Date.UTC(2031, 0, 1);

function entry(rotatedAtMs: number): RotationRecord {
  return { supersededHash: randomBytes(32).toString('base64url'), nonce: randomBytes(32).toString('base64url'), rotatedAt: new Date(rotatedAtMs) };
}

/** A real lineage: generation 0 and `count` rotations one second apart, newest-first history. */
function lineage(count: number) {
  const secrets = [createRefreshSecret(KEY, SESSION_ID, randomBytes)];
  const history: RotationRecord[] = [];
  for (let i = 0; i < count; i += 1) {
    const nonce = randomBytes(32);
    history.unshift({ supersededHash: hashSecret(secrets[i]!), nonce: nonce.toString('base64url'), rotatedAt: new Date(T + i * 1_000) });
    secrets.push(successorSecret(KEY, SESSION_ID, secrets[i]!, nonce));
  }
  return { secrets, session: { id: SESSION_ID, secretHash: hashSecret(secrets[count]!), recentRotations: history } };
}

describe('rotationsToKeep', () => {
  it('keeps the newest rotations after the window start, stopping at the first older one', () => {
    const [a, b, c, d] = [entry(T + 9_000), entry(T + 5_000), entry(T), entry(T + 8_000)];
    // d is newer by its clock than c but sits behind it: keeping it would leave a gap in the chain.
    expect(rotationsToKeep([a!, b!, c!, d!], T)).toEqual([a, b]);
    expect(rotationsToKeep([a!, b!], T + 9_000)).toEqual([]);
    expect(rotationsToKeep([], T)).toEqual([]);
  });

  it(`keeps at most ${MAX_RECENT_ROTATIONS - 1}, so with the new rotation a history never exceeds ${MAX_RECENT_ROTATIONS}`, () => {
    const history = Array.from({ length: 40 }, (_, i) => entry(T + 10_000 - i));
    expect(rotationsToKeep(history, T)).toEqual(history.slice(0, MAX_RECENT_ROTATIONS - 1));
  });
});

describe('currentSecretFor', () => {
  it('leads every generation superseded after the window start to the current secret', () => {
    const { secrets, session } = lineage(5);
    for (const secret of secrets.slice(0, 5)) expect(currentSecretFor(KEY, session, secret, T - 1)).toEqual(secrets[5]);
  });

  it('answers nothing for the current secret, an unknown one, or one superseded at or before the window start', () => {
    const { secrets, session } = lineage(3);
    expect(currentSecretFor(KEY, session, secrets[3]!, T - 1)).toBeNull();
    expect(currentSecretFor(KEY, session, createRefreshSecret(KEY, SESSION_ID, randomBytes), T - 1)).toBeNull();
    expect(currentSecretFor(KEY, session, secrets[0]!, T)).toBeNull();
    expect(currentSecretFor(KEY, session, secrets[1]!, T)).toEqual(secrets[3]);
  });

  it('answers nothing when the history does not lead to the current secret', () => {
    const { secrets, session } = lineage(3);
    const tampered = session.recentRotations.map((r, i) => (i === 1 ? { ...r, nonce: randomBytes(32).toString('base64url') } : r));
    expect(currentSecretFor(KEY, { ...session, recentRotations: tampered }, secrets[0]!, T - 1)).toBeNull();
    expect(currentSecretFor(KEY, { ...session, recentRotations: tampered }, secrets[2]!, T - 1)).toEqual(secrets[3]);
  });
});
