import { TesseraError } from '../../errors.js';
import { requireRoles } from '../../token/require-roles.js';
import type { AccessTokenClaims } from '../../token/types.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { hitLimit } from '../limit-checks.js';

/** The role an access token must carry (and its user must still hold) to use the admin operations. */
export const ADMIN_ROLE = 'admin';

/**
 * Who performs an admin operation: the holder of a verified access token (the admin API), or an operator at the
 * command line, who already holds the database and the server secret and so needs no role.
 */
export type AdminActor = { kind: 'token'; claims: AccessTokenClaims } | { kind: 'operator' };

/**
 * Lets the actor through or throws; resolves to the actor's user id for the audit event (null for an operator).
 * Every admin operation starts here, so no transport can skip it.
 */
export async function authorizeAdmin(ctx: AuthContext, actor: AdminActor, client: ClientInfo): Promise<string | null> {
  if (actor.kind === 'operator') return null;
  // Stops a signed-in user without the role from reading or changing other people's accounts.
  requireRoles(actor.claims, ADMIN_ROLE);
  // Slows a stolen admin token down: paging through every account or flipping roles in bulk.
  await hitLimit(ctx, 'admin', client);
  // The token's roles are as old as the token (up to the access lifetime): an administrator demoted or disabled
  // since it was issued is refused now, not when the token expires.
  const user = await ctx.stores.users.findUserById(actor.claims.sub);
  if (!user || user.disabledAt !== null) throw new TesseraError('invalid_token', 'The account of this token no longer exists or is disabled.', { reason: 'account_gone' });
  requireRoles({ ...actor.claims, roles: user.roles }, ADMIN_ROLE);
  return user.id;
}

/**
 * An administrator may not lock themselves out through the API (disable their own account, drop their own admin
 * role): with a single administrator nobody could undo it without shell access.
 */
export function refuseSelf(actorId: string | null, targetId: string, what: string): void {
  if (actorId !== null && actorId === targetId) {
    throw new TesseraError('invalid_request', `You cannot ${what}; another administrator (or \`tessera users\`) can.`);
  }
}
