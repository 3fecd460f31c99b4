import type { RevokedSession } from '../store/types.js';
import type { AuthContext } from './context.js';

/**
 * Puts freshly revoked sessions into the in-memory deny set (so their access tokens fail on the very next
 * request) and tells the listener (so other instances hear of it). Every revocation path goes through here.
 */
export function applyRevocations(ctx: AuthContext, revoked: readonly RevokedSession[]): void {
  if (revoked.length === 0) return;
  ctx.revoked.addAll(revoked);
  ctx.onRevoke?.(revoked.map((session) => session.id), revoked[0]!.revokedAt);
}

export async function revokeOneSession(ctx: AuthContext, sessionId: string, reason: string): Promise<boolean> {
  return (await revokeSessionRecord(ctx, sessionId, reason)) !== null;
}

/** Revokes one session; resolves to it (with its user) when this call revoked it, null when it was already gone. */
export async function revokeSessionRecord(ctx: AuthContext, sessionId: string, reason: string): Promise<RevokedSession | null> {
  const revoked = await ctx.stores.sessions.revokeSession(sessionId, new Date(ctx.now()), reason);
  // Even when another request revoked it first, make sure this instance refuses its tokens too.
  ctx.revoked.add(sessionId, revoked?.revokedAt.getTime() ?? ctx.now());
  if (revoked) applyRevocations(ctx, [revoked]);
  return revoked;
}

export async function revokeAllUserSessions(ctx: AuthContext, userId: string, reason: string, exceptSessionId?: string): Promise<number> {
  const revoked = await ctx.stores.sessions.revokeUserSessions(userId, new Date(ctx.now()), reason, exceptSessionId);
  applyRevocations(ctx, revoked);
  return revoked.length;
}
