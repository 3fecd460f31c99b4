import type { RotationRecord, SessionRecord } from '../store/types.js';
import { hashSecret, sameHash, successorSecret } from './refresh-token.js';

/**
 * How many recent rotations a session keeps, however fast it rotates. It bounds what one client hammering
 * refresh can make a session record grow to (about 1.7 KB). A token superseded more than this many rotations
 * ago can no longer be led to the current secret, so even inside the grace window it counts as reuse and ends
 * the session: past the cap the rule fails closed, never open.
 */
export const MAX_RECENT_ROTATIONS = 16;

/**
 * The rotations a new rotation keeps behind itself: the newest ones that happened after `keepAfterMs` (the
 * start of the grace window), at most MAX_RECENT_ROTATIONS - 1. It keeps a prefix and stops at the first
 * older entry, so the history stays a consecutive chain even if servers' clocks disagree.
 */
export function rotationsToKeep(history: readonly RotationRecord[], keepAfterMs: number): RotationRecord[] {
  const kept: RotationRecord[] = [];
  for (const rotation of history) {
    if (kept.length === MAX_RECENT_ROTATIONS - 1 || rotation.rotatedAt.getTime() <= keepAfterMs) break;
    kept.push(rotation);
  }
  return kept;
}

/**
 * The session's current secret for the holder of `secret`, when `secret` was superseded after `graceStartMs`:
 * the rotations from the one that superseded it up to the newest are replayed (each successor is an HMAC of the
 * previous secret and the rotation's nonce), and the result must hash to the session's current secret. `null`
 * for a secret that is current, unknown to the history, superseded too long ago, or whose chain does not lead
 * to the current secret.
 */
export function currentSecretFor(
  refreshKey: Uint8Array,
  session: Pick<SessionRecord, 'id' | 'secretHash' | 'recentRotations'>,
  secret: Buffer,
  graceStartMs: number,
): Buffer | null {
  const history = session.recentRotations;
  const presentedHash = hashSecret(secret);
  const start = history.findIndex((rotation) => sameHash(presentedHash, rotation.supersededHash));
  if (start === -1 || history[start]!.rotatedAt.getTime() <= graceStartMs) return null;
  let current = secret;
  for (let i = start; i >= 0; i -= 1) {
    current = successorSecret(refreshKey, session.id, current, Buffer.from(history[i]!.nonce, 'base64url'));
  }
  // Only ever hand out the session's real current secret: a history that does not lead there (a gap, an entry
  // from another lineage) answers nothing rather than a token that would fork or dead-end the session.
  return sameHash(hashSecret(current), session.secretHash) ? current : null;
}
