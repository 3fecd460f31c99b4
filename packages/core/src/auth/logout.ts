import type { AccessTokenClaims } from '../token/types.js';
import type { AuthContext } from './context.js';
import { readRefreshToken } from './refresh.js';
import { revokeAllUserSessions, revokeOneSession } from './revoke.js';

/**
 * Ends the session a refresh token belongs to. Only a token we really issued for that session counts (the tag
 * check in readRefreshToken): a session id alone — it is the public `sid` claim — cannot log anybody out.
 * A token that is not ours is a silent no-op, like a logout with no credential at all.
 */
export async function logoutWithRefreshToken(ctx: AuthContext, token: string): Promise<void> {
  let sessionId: string;
  try {
    sessionId = readRefreshToken(ctx, token).sessionId;
  } catch {
    return;
  }
  await revokeOneSession(ctx, sessionId, 'logout');
}

export async function logoutWithAccessToken(ctx: AuthContext, claims: AccessTokenClaims): Promise<void> {
  await revokeOneSession(ctx, claims.sid, 'logout');
}

export async function logoutAll(ctx: AuthContext, claims: AccessTokenClaims): Promise<number> {
  return revokeAllUserSessions(ctx, claims.sub, 'logout_all');
}
