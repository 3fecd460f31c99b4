import { requirePositional } from '../command.js';
import { onUser, OPERATOR, type UsersAction } from './users-admin.js';
import { usersCommand } from './users.js';

/** `tessera users enable <id|email>`: a disabled account may log in again. */
export const usersEnable: UsersAction = async ({ positionals }, io) => {
  const who = requirePositional(positionals, 1, '<user-id-or-email>', usersCommand);
  return onUser(io, who, async (auth) => {
    const user = await auth.admin.enableUser(OPERATOR, who);
    io.out(`Enabled ${user.email} (${user.id}).`);
    return 0;
  });
};
