import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { authorizeAdmin, type AdminActor } from './actor.js';
import { findTarget, notFound, toAdminUser, type AdminUserView } from './target.js';

/** Enables a disabled account: it can log in again (its old sessions stay revoked). */
export async function enableUser(ctx: AuthContext, actor: AdminActor, target: string, client: ClientInfo = {}): Promise<AdminUserView> {
  const actorId = await authorizeAdmin(ctx, actor, client);
  const user = await findTarget(ctx, target);
  const alreadyEnabled = user.disabledAt === null;
  if (!alreadyEnabled) {
    const now = new Date(ctx.now());
    if (!(await ctx.stores.users.setUserDisabled(user.id, null, now))) throw notFound();
    user.disabledAt = null;
    user.updatedAt = now;
  }
  emitEvent(ctx, client, { type: 'user_enabled', actorId, userId: user.id, alreadyEnabled });
  return toAdminUser(user);
}
