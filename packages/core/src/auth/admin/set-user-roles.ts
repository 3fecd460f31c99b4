import { TesseraError } from '../../errors.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { ADMIN_ROLE, authorizeAdmin, refuseSelf, type AdminActor } from './actor.js';
import { findTarget, notFound, toAdminUser, type AdminUserView } from './target.js';

export const MAX_ROLES = 16;
/** Letters, digits and `_ . : -`, starting with a letter or digit: safe in a claim, a log line and a shell. */
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$/;
/**
 * Roles travel in every access token, which must stay under its 1 KB budget (issue-tokens.ts): a cap on their
 * JSON size keeps the next login and refresh of this user from failing.
 */
const MAX_ROLES_JSON_BYTES = 300;

/**
 * Replaces a user's roles. New access tokens carry them at once; the user's existing sessions get them at their
 * next refresh, which reloads the user (an access token already issued keeps its roles until it expires).
 */
export async function setUserRoles(
  ctx: AuthContext,
  actor: AdminActor,
  target: string,
  roles: readonly string[],
  client: ClientInfo = {},
): Promise<AdminUserView> {
  const actorId = await authorizeAdmin(ctx, actor, client);
  const after = checkRoles(roles);
  const user = await findTarget(ctx, target);
  if (!after.includes(ADMIN_ROLE)) refuseSelf(actorId, user.id, 'remove your own admin role');
  const before = user.roles;
  const now = new Date(ctx.now());
  if (!(await ctx.stores.users.updateUserRoles(user.id, after, now))) throw notFound();
  emitEvent(ctx, client, { type: 'user_roles_changed', actorId, userId: user.id, before, after });
  return toAdminUser({ ...user, roles: after, updatedAt: now });
}

/** The roles in first-seen order without duplicates, each a valid name; anything else is a 400 naming the fault. */
export function checkRoles(roles: readonly unknown[]): string[] {
  const unique = [...new Set(roles)];
  for (const role of unique) {
    if (typeof role !== 'string' || !ROLE_NAME.test(role)) {
      throw new TesseraError('invalid_request', 'A role is 1 to 40 letters, digits, "_", ".", ":" or "-", starting with a letter or digit.');
    }
  }
  if (unique.length > MAX_ROLES) throw new TesseraError('invalid_request', `A user can have at most ${MAX_ROLES} roles.`);
  const names = unique as string[];
  if (Buffer.byteLength(JSON.stringify(names)) > MAX_ROLES_JSON_BYTES) {
    throw new TesseraError('invalid_request', `The roles together are too long for an access token (at most ${MAX_ROLES_JSON_BYTES} bytes as JSON).`);
  }
  return names;
}
