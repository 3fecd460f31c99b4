import { createUser, toPublicUser } from '@tessera/core';
import type { Command } from '../command.js';
import { UsageError } from '../command.js';
import { withRuntime } from '../runtime.js';

export const usersCommand: Command = {
  name: 'users',
  summary: 'create or list users',
  usage:
    'tessera users create --email EMAIL [--name NAME] [--role ROLE]... (--password PASSWORD | --password-stdin)\n' +
    'tessera users list [--limit N] [--json]\n\n' +
    'create  adds a user with an argon2id-hashed password. Prefer --password-stdin: a password on the\n' +
    '        command line is visible to other users of the machine and lands in shell history.\n' +
    'list    shows users, newest first.',
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean' },
    limit: { type: 'string' },
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
    throw new UsageError(`"users" needs "create" or "list" (see "tessera users --help")`);
  },
};
