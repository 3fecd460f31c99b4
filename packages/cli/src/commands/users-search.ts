import { SEARCH_MAX_LIMIT } from '@tessera/core';
import { requirePositional, UsageError } from '../command.js';
import { withRuntime } from '../runtime.js';
import { OPERATOR, userLine, type UsersAction } from './users-admin.js';
import { usersCommand } from './users.js';

/** `tessera users search <text> [--limit N] [--offset N] [--json]`: users whose email contains the text, newest first. */
export const usersSearch: UsersAction = async ({ values, positionals }, io) => {
  const text = requirePositional(positionals, 1, '<text>', usersCommand);
  const limit = wholeNumber(values.limit, '--limit', 20);
  const offset = wholeNumber(values.offset, '--offset', 0);
  if (limit < 1 || limit > SEARCH_MAX_LIMIT) throw new UsageError(`--limit must be from 1 to ${SEARCH_MAX_LIMIT}`);
  return withRuntime(io, async ({ auth }) => {
    const page = await auth.admin.searchUsers(OPERATOR, { query: text, limit, offset });
    if (values.json) io.out(JSON.stringify(page, null, 2));
    else if (page.users.length === 0) io.out(`No user's email contains "${text}".`);
    else {
      for (const user of page.users) io.out(userLine(user));
      if (page.nextOffset !== null) io.out(`More: tessera users search ${JSON.stringify(text)} --offset ${page.nextOffset}`);
    }
    return 0;
  });
};

function wholeNumber(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) throw new UsageError(`${flag} must be a whole number`);
  return Number(value);
}
