import type { AccessTokenClaims } from '../token/types.js';
import type { AuthContext, ClientInfo } from './context.js';
import { emitEvent } from './events.js';
import { readRefreshToken } from './rotate-refresh-token.js';
import { revokeAllUserSessions, revokeSessionRecord } from './revoke.js';

/**
 * Ends the session a refresh token belongs to. Only a token we really issued for that session counts (the tag
 * check in readRefreshToken): a session id alone — it is the public `sid` claim — cannot log anybody out.
 * A token that is not ours is a silent no-op, like a logout with no credential at all.
 */
export async function logoutWithRefreshToken(ctx: AuthContext, token: string, client: ClientInfo = {}): Promise<void> {
  let sessionId: string;
  try {
    sessionId = readRefreshToken(ctx, token).sessionId;
  } catch {
    return;
  }
  await endSession(ctx, sessionId, client);
}

export async function logoutWithAccessToken(ctx: AuthContext, claims: AccessTokenClaims, client: ClientInfo = {}): Promise<void> {
  await endSession(ctx, claims.sid, client);
}

async function endSession(ctx: AuthContext, sessionId: string, client: ClientInfo): Promise<void> {
  const revoked = await revokeSessionRecord(ctx, sessionId, 'logout');
  if (revoked) emitEvent(ctx, client, { type: 'logout', userId: revoked.userId, sessionId });
}

export async function logoutAll(ctx: AuthContext, claims: AccessTokenClaims, client: ClientInfo = {}): Promise<number> {
  const count = await revokeAllUserSessions(ctx, claims.sub, 'logout_all');
  emitEvent(ctx, client, { type: 'logout_all', userId: claims.sub, sessionsRevoked: count });
  return count;
}
