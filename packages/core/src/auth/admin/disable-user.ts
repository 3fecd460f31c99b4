import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { revokeAllUserSessions } from '../revoke.js';
import { authorizeAdmin, refuseSelf, type AdminActor } from './actor.js';
import { findTarget, notFound, toAdminUser, type AdminUserView } from './target.js';

/**
 * Disables an account: it can no longer log in or refresh, its email stays taken, and every one of its sessions
 * is revoked at once — their access tokens are refused on the next request, through the same deny set as a
 * logout. Disabling a disabled account changes nothing but still revokes any session left (one opened by a
 * login that raced the first disable).
 */
export async function disableUser(ctx: AuthContext, actor: AdminActor, target: string, client: ClientInfo = {}): Promise<{ user: AdminUserView; sessionsRevoked: number }> {
  const actorId = await authorizeAdmin(ctx, actor, client);
  const user = await findTarget(ctx, target);
  refuseSelf(actorId, user.id, 'disable your own account');
  const alreadyDisabled = user.disabledAt !== null;
  if (!alreadyDisabled) {
    const now = new Date(ctx.now());
    // The flag first, then the sessions: a refresh that slips between the two finds the flag and is refused.
    if (!(await ctx.stores.users.setUserDisabled(user.id, now, now))) throw notFound();
    user.disabledAt = now;
    user.updatedAt = now;
  }
  const sessionsRevoked = await revokeAllUserSessions(ctx, user.id, 'account_disabled');
  emitEvent(ctx, client, { type: 'user_disabled', actorId, userId: user.id, alreadyDisabled, sessionsRevoked });
  return { user: toAdminUser(user), sessionsRevoked };
}
