import { isTesseraError, type AdminActor, type AdminUserView } from '@tessera/core';
import type { Command, Io } from '../command.js';
import type { Runtime } from '@tessera/server';
import { withRuntime } from '../runtime.js';

export type UsersAction = (args: Parameters<Command['run']>[0], io: Io) => Promise<number>;

/** At the command line the operator acts through the store and the server secret: no token, no role needed. */
export const OPERATOR: AdminActor = { kind: 'operator' };

/**
 * Runs one admin operation on a user named by id or email. A user that does not exist is one line and exit 1,
 * like `sessions list`; every other failure goes to main's handler.
 */
export function onUser(io: Io, who: string, task: (auth: Runtime['auth']) => Promise<number>): Promise<number> {
  return withRuntime(io, async ({ auth }) => {
    try {
      return await task(auth);
    } catch (error) {
      if (!isTesseraError(error) || error.code !== 'not_found') throw error;
      io.err(`tessera: no user "${who}"`);
      return 1;
    }
  });
}

/** One line per user for people: id, email, roles, status, creation time. */
export function userLine(user: AdminUserView): string {
  const roles = user.roles.length > 0 ? user.roles.join(',') : '-';
  const status = user.disabledAt === null ? 'enabled' : `disabled ${user.disabledAt}`;
  return `${user.id}  ${user.email}  roles=${roles}  ${status}  ${user.createdAt}`;
}
