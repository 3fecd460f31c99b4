import { describe, expect, it } from 'vitest';
import { decodeRecentRotations, encodeRecentRotations, recentRotationsAfter } from './recent-rotations.js';
import type { RotationRecord } from './types.js';

const T = Date.UTC(2031, 0, 1, 0, 0, 0, 123);
const newest: RotationRecord = { supersededHash: 'h2', nonce: 'n2', rotatedAt: new Date(T + 5) };
const older: RotationRecord = { supersededHash: 'h1', nonce: 'n1', rotatedAt: new Date(T) };
const latestOf = (r: RotationRecord) => ({ previousSecretHash: r.supersededHash, rotationNonce: r.nonce, rotatedAtMs: r.rotatedAt.getTime() });

describe('recent rotations as stored by the SQL and Redis stores', () => {
  it('round-trips a history whose newest entry matches the latest-rotation fields', () => {
    const encoded = encodeRecentRotations([newest, older]);
    expect(encoded).toBe(`[["h2","n2",${T + 5}],["h1","n1",${T}]]`);
    expect(decodeRecentRotations(encoded, latestOf(newest))).toEqual([newest, older]);
  });

  it('is empty before the first rotation', () => {
    expect(decodeRecentRotations(null, { previousSecretHash: null, rotationNonce: null, rotatedAtMs: null })).toEqual([]);
  });

  it('falls back to the latest rotation alone when the history is missing or was left behind by an older server', () => {
    expect(decodeRecentRotations(null, latestOf(newest))).toEqual([newest]);
    const rotatedByOlderVersion: RotationRecord = { supersededHash: 'h3', nonce: 'n3', rotatedAt: new Date(T + 9) };
    expect(decodeRecentRotations(encodeRecentRotations([newest, older]), latestOf(rotatedByOlderVersion))).toEqual([rotatedByOlderVersion]);
  });

  it('refuses a malformed stored history instead of guessing', () => {
    for (const bad of ['{}', '[["h","n"]]', '[["h","n","5"]]', '[["h",1,5]]', '[["h","n",1.5]]', 'not json']) {
      expect(() => decodeRecentRotations(bad, latestOf(newest))).toThrow();
    }
  });

  it('puts the winning rotation in front of the rotations it keeps', () => {
    const after = recentRotationsAfter({
      expectedSecretHash: 'h3', newSecretHash: 'h4', rotationNonce: 'n3', rotatedAt: new Date(T + 9), idleExpiresAt: new Date(T + 99), earlierRotations: [newest, older],
    });
    expect(after).toEqual([{ supersededHash: 'h3', nonce: 'n3', rotatedAt: new Date(T + 9) }, newest, older]);
  });
});
