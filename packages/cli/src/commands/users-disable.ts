import { requirePositional } from '../command.js';
import { onUser, OPERATOR, type UsersAction } from './users-admin.js';
import { usersCommand } from './users.js';

/**
 * `tessera users disable <id|email>`: the account can no longer log in or refresh, and every session ends. Running
 * servers on the same store refuse its access tokens as soon as they hear of the revocation (at once with Redis).
 */
export const usersDisable: UsersAction = async ({ positionals }, io) => {
  const who = requirePositional(positionals, 1, '<user-id-or-email>', usersCommand);
  return onUser(io, who, async (auth) => {
    const { user, sessionsRevoked } = await auth.admin.disableUser(OPERATOR, who);
    io.out(`Disabled ${user.email} (${user.id}); revoked ${sessionsRevoked} session${sessionsRevoked === 1 ? '' : 's'}.`);
    return 0;
  });
};
