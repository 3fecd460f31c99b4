import type { RotationRecord, SessionRotation } from './types.js';

/** What `recentRotations` becomes when `rotation` wins: the rotation itself, then the earlier ones it keeps. */
export function recentRotationsAfter(rotation: SessionRotation): RotationRecord[] {
  const latest: RotationRecord = {
    supersededHash: rotation.expectedSecretHash,
    nonce: rotation.rotationNonce,
    rotatedAt: new Date(rotation.rotatedAt.getTime()),
  };
  return [latest, ...rotation.earlierRotations.map((r) => ({ ...r, rotatedAt: new Date(r.rotatedAt.getTime()) }))];
}

/**
 * How the SQL and Redis stores keep `SessionRecord.recentRotations`: one JSON text value,
 * `[["<supersededHash>","<nonce>",<rotatedAt ms>], …]`, newest first, next to the fields of the latest
 * rotation that earlier versions read and wrote (previous hash, nonce, rotatedAt). Those stay written on every
 * rotation so a server of the previous version sharing the store during a rolling upgrade still honours the
 * token just superseded.
 */
export function encodeRecentRotations(rotations: readonly RotationRecord[]): string {
  return JSON.stringify(rotations.map((r) => [r.supersededHash, r.nonce, r.rotatedAt.getTime()]));
}

/** The latest rotation as the earlier single-rotation fields hold it (all null before the first rotation). */
export interface LatestRotationFields {
  previousSecretHash: string | null;
  rotationNonce: string | null;
  rotatedAtMs: number | null;
}

/**
 * Reads the history back. When the encoded history is missing (a session last rotated before it existed) or
 * does not start with the latest rotation (one last rotated by a previous-version server), only the latest
 * rotation is known: the history is that one entry, so older tokens fail closed as reuse.
 */
export function decodeRecentRotations(encoded: string | null, latest: LatestRotationFields): RotationRecord[] {
  const { previousSecretHash, rotationNonce, rotatedAtMs } = latest;
  if (previousSecretHash === null || rotationNonce === null || rotatedAtMs === null) return [];
  const rotations = encoded === null ? [] : parse(encoded);
  const head = rotations[0];
  if (head && head.supersededHash === previousSecretHash && head.nonce === rotationNonce && head.rotatedAt.getTime() === rotatedAtMs) {
    return rotations;
  }
  return [{ supersededHash: previousSecretHash, nonce: rotationNonce, rotatedAt: new Date(rotatedAtMs) }];
}

function parse(encoded: string): RotationRecord[] {
  const value: unknown = JSON.parse(encoded);
  if (!Array.isArray(value)) throw new TypeError('A stored rotation history is not a JSON array.');
  return value.map((entry: unknown): RotationRecord => {
    if (
      !Array.isArray(entry) ||
      entry.length !== 3 ||
      typeof entry[0] !== 'string' ||
      typeof entry[1] !== 'string' ||
      typeof entry[2] !== 'number' ||
      !Number.isSafeInteger(entry[2])
    ) {
      throw new TypeError('A stored rotation history entry is not [hash, nonce, milliseconds].');
    }
    return { supersededHash: entry[0], nonce: entry[1], rotatedAt: new Date(entry[2]) };
  });
}
