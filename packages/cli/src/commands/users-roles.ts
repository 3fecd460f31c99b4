import { UsageError, requirePositional } from '../command.js';
import { onUser, OPERATOR, type UsersAction } from './users-admin.js';
import { usersCommand } from './users.js';

/**
 * `tessera users roles <id|email> <role,role>` replaces the roles (`""` clears them). New tokens carry them at
 * once; the user's sessions pick them up at their next refresh. This is also how the first administrator is made.
 */
export const usersRoles: UsersAction = async ({ positionals }, io) => {
  const who = requirePositional(positionals, 1, '<user-id-or-email>', usersCommand);
  const list = positionals[2];
  if (list === undefined) throw new UsageError('"users roles" needs the roles as one comma-separated argument ("" for none)');
  const roles = list.split(',').map((role) => role.trim()).filter((role) => role.length > 0);
  return onUser(io, who, async (auth) => {
    const user = await auth.admin.setUserRoles(OPERATOR, who, roles);
    io.out(`${user.email} now has ${user.roles.length > 0 ? `the roles ${user.roles.join(', ')}` : 'no roles'}; sessions get them at their next refresh.`);
    return 0;
  });
};
