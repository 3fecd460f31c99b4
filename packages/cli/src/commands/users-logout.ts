import { requirePositional } from '../command.js';
import { onUser, OPERATOR, type UsersAction } from './users-admin.js';
import { usersCommand } from './users.js';

/** `tessera users logout <id|email>`: ends every session of the user; the account stays enabled. */
export const usersLogout: UsersAction = async ({ positionals }, io) => {
  const who = requirePositional(positionals, 1, '<user-id-or-email>', usersCommand);
  return onUser(io, who, async (auth) => {
    const { sessionsRevoked } = await auth.admin.forceLogout(OPERATOR, who);
    io.out(`Revoked ${sessionsRevoked} session${sessionsRevoked === 1 ? '' : 's'} of ${who}.`);
    return 0;
  });
};
