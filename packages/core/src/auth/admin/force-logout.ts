import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { revokeAllUserSessions } from '../revoke.js';
import { authorizeAdmin, type AdminActor } from './actor.js';
import { findTarget } from './target.js';

/**
 * Ends every session of a user (a lost device, a suspected compromise): refresh tokens stop working and access
 * tokens are refused at once. The account stays enabled; the user can log in again.
 */
export async function forceLogout(ctx: AuthContext, actor: AdminActor, target: string, client: ClientInfo = {}): Promise<{ sessionsRevoked: number }> {
  const actorId = await authorizeAdmin(ctx, actor, client);
  const user = await findTarget(ctx, target);
  const sessionsRevoked = await revokeAllUserSessions(ctx, user.id, 'admin');
  emitEvent(ctx, client, { type: 'user_logged_out', actorId, userId: user.id, sessionsRevoked });
  return { sessionsRevoked };
}
