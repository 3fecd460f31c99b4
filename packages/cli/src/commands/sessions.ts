import { normalizeEmail } from '@tessera/core';
import type { Command } from '../command.js';
import { requirePositional, UsageError } from '../command.js';
import { withRuntime } from '../runtime.js';

export const sessionsCommand: Command = {
  name: 'sessions',
  summary: "list a user's sessions or revoke one",
  usage:
    'tessera sessions list <user-id-or-email> [--json]\ntessera sessions revoke <session-id>\n\n' +
    "list    shows the user's live sessions, newest first, and whether each is bound to its device (DPoP).\n" +
    'revoke  ends a session: its refresh token stops working and its access tokens are refused by\n' +
    '        running servers on the same store within seconds.',
  options: { json: { type: 'boolean' } },
  async run({ values, positionals }, io) {
    const action = positionals[0];
    if (action === 'list') {
      const who = requirePositional(positionals, 1, '<user-id-or-email>', sessionsCommand);
      return withRuntime(io, async ({ stores, auth }) => {
        const user = who.includes('@') ? await stores.users.findUserByEmail(normalizeEmail(who)) : await stores.users.findUserById(who);
        if (!user) {
          io.err(`tessera: no user "${who}"`);
          return 1;
        }
        const rows = (await auth.userSessions(user.id)).map(({ current: _, ...row }) => row);
        if (values.json) io.out(JSON.stringify(rows, null, 2));
        else if (rows.length === 0) io.out(`${user.email} has no live sessions.`);
        else {
          for (const row of rows) {
            const binding = row.deviceBound ? 'device-bound' : 'bearer';
            io.out(`${row.id}  last used ${row.lastUsedAt}  ${binding}  ${row.ip ?? '-'}  ${row.userAgent ?? '-'}`);
          }
        }
        return 0;
      });
    }
    if (action === 'revoke') {
      const sessionId = requirePositional(positionals, 1, '<session-id>', sessionsCommand);
      return withRuntime(io, async ({ auth }) => {
        if (!(await auth.revokeSession(sessionId))) {
          io.err(`tessera: no live session "${sessionId}"`);
          return 1;
        }
        io.out(`Revoked session ${sessionId}.`);
        return 0;
      });
    }
    throw new UsageError(`"sessions" needs "list" or "revoke" (see "tessera sessions --help")`);
  },
};
