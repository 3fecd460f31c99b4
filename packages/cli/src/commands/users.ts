import { createUser, toPublicUser } from '@tessera/core';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { withRuntime } from '../runtime.js';
import type { UsersAction } from './users-admin.js';
import { usersDisable } from './users-disable.js';
import { usersEnable } from './users-enable.js';
import { usersLogout } from './users-logout.js';
import { usersRoles } from './users-roles.js';
import { usersSearch } from './users-search.js';

/** The administrator's actions, one file each; `create` and `list` stay here. */
const ADMIN_ACTIONS: Record<string, UsersAction> = {
  search: (args, io) => usersSearch(args, io),
  disable: (args, io) => usersDisable(args, io),
  enable: (args, io) => usersEnable(args, io),
  roles: (args, io) => usersRoles(args, io),
  logout: (args, io) => usersLogout(args, io),
};

export const usersCommand: Command = {
  name: 'users',
  summary: 'create, list, search, disable, enable users; set their roles; log them out',
  usage:
    'tessera users create --email EMAIL [--name NAME] [--role ROLE]... (--password PASSWORD | --password-stdin)\n' +
    'tessera users list [--limit N] [--json]\n' +
    'tessera users search <text> [--limit N] [--offset N] [--json]\n' +
    'tessera users disable <user-id-or-email>\n' +
    'tessera users enable <user-id-or-email>\n' +
    'tessera users roles <user-id-or-email> <role,role,...>\n' +
    'tessera users logout <user-id-or-email>\n\n' +
    'create   adds a user with an argon2id-hashed password. Prefer --password-stdin: a password on the\n' +
    '         command line is visible to other users of the machine and lands in shell history.\n' +
    '         --role admin makes an administrator (the admin API needs that role).\n' +
    'list     shows users, newest first.\n' +
    'search   users whose email contains <text> (a prefix works too), newest first, 20 a page.\n' +
    'disable  the account can no longer log in or refresh (login with the right password answers\n' +
    '         account_disabled) and every session of it is revoked; its email stays taken.\n' +
    'enable   lets a disabled account log in again.\n' +
    'roles    replaces the roles ("" for none); sessions get them at their next refresh.\n' +
    'logout   revokes every session of the user; the account stays enabled.',
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    limit: { type: 'string' },
    offset: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }, io) {
    const action = positionals[0];
    if (action === 'create') {
      if (typeof values.email !== 'string') throw new UsageError('"users create" needs --email');
      let password = typeof values.password === 'string' ? values.password : undefined;
      if (values['password-stdin']) password = (await io.readStdin()).replace(/\r?\n$/, '');
      if (password === undefined) throw new UsageError('"users create" needs --password or --password-stdin');
      const roles = Array.isArray(values.role) ? values.role : [];
      return withRuntime(io, async ({ auth }) => {
        const user = await createUser(
          auth.context,
          { email: values.email as string, password: password as string, name: typeof values.name === 'string' ? values.name : null, roles },
        );
        auth.record({ type: 'user_created', userId: user.id, email: user.email });
        io.out(JSON.stringify({ ...toPublicUser(user), roles: user.roles }, null, 2));
        return 0;
      });
    }
    if (action === 'list') {
      const limit = typeof values.limit === 'string' ? Number(values.limit) : 100;
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');
      return withRuntime(io, async ({ stores }) => {
        const users = await stores.users.listUsers({ limit });
        if (values.json) io.out(JSON.stringify(users.map((user) => ({ ...toPublicUser(user), roles: user.roles })), null, 2));
        else if (users.length === 0) io.out('No users yet.');
        else for (const user of users) io.out(`${user.id}  ${user.email}  ${user.name ?? ''}  ${user.createdAt.toISOString()}`);
        return 0;
      });
    }
    const adminAction = action !== undefined && Object.hasOwn(ADMIN_ACTIONS, action) ? ADMIN_ACTIONS[action] : undefined;
    if (adminAction) return adminAction({ values, positionals }, io);
    throw new UsageError(`"users" needs create, list, search, disable, enable, roles or logout (see "tessera users --help")`);
  },
};
