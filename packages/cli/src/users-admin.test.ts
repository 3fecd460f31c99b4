import { describe, expect, it } from 'vitest';
import { auditEvents, useCli } from '../test/cli-harness.js';

const PASSWORD = 'a good long password';
const cli = useCli('tessera-cli-admin-');
const run = cli.run;

async function create(email: string, ...roles: string[]): Promise<string> {
  const created = await run(['users', 'create', '--email', email, ...roles.flatMap((r) => ['--role', r]), '--password-stdin'], `${PASSWORD}\n`);
  expect(created.code).toBe(0);
  return (JSON.parse(created.out) as { id: string }).id;
}

/** Logs in through the same runtime the server uses (what a browser would do against `tessera serve`). */
async function login(email: string) {
  const { loadConfig, openRuntime } = await import('@tessera/server');
  const runtime = await openRuntime(loadConfig(cli.env, cli.dataDir));
  try {
    return await runtime.auth.login({ email, password: PASSWORD }, { userAgent: 'cli-test' });
  } finally {
    await runtime.close();
  }
}

describe('tessera users: administration', () => {
  it('search finds users by email text, newest first, with --limit/--offset and --json', async () => {
    await create('ann@example.test');
    await create('joanne@example.test');
    await create('bob@example.test');
    const found = await run(['users', 'search', 'ANN']);
    expect(found.code).toBe(0);
    expect(found.out.split('\n')).toHaveLength(2);
    expect(found.out).toMatch(/joanne@example\.test {2}roles=- {2}enabled/);
    expect(found.out).toMatch(/ann@example\.test/);
    expect(found.out).not.toMatch(/bob/);
    const page = await run(['users', 'search', 'example', '--limit', '2', '--json']);
    const body = JSON.parse(page.out) as { users: { email: string }[]; nextOffset: number | null };
    expect(body.users).toHaveLength(2);
    expect(body.nextOffset).toBe(2);
    const rest = JSON.parse((await run(['users', 'search', 'example', '--limit', '2', '--offset', '2', '--json'])).out) as typeof body;
    expect(rest.users).toHaveLength(1);
    expect(rest.nextOffset).toBeNull();
    expect(new Set([...body.users, ...rest.users].map((u) => u.email))).toEqual(new Set(['ann@example.test', 'joanne@example.test', 'bob@example.test']));
    expect((await run(['users', 'search', 'nobody'])).out).toBe('No user\'s email contains "nobody".');
    expect(page.out).not.toMatch(/argon2|passwordHash/);
  });

  it('disable revokes every session and refuses login; enable lets the user back in; each leaves an audit line', async () => {
    const id = await create('ann@example.test');
    const { tokens } = await login('ann@example.test');
    expect((await run(['token', 'verify', tokens.accessToken])).code).toBe(0);

    const disabled = await run(['users', 'disable', 'Ann@Example.test']);
    expect(disabled.code).toBe(0);
    expect(disabled.out).toBe(`Disabled ann@example.test (${id}); revoked 1 session.`);
    expect(auditEvents(disabled.err)).toMatchObject([{ type: 'user_disabled', actorId: null, userId: id, alreadyDisabled: false, sessionsRevoked: 1 }]);
    expect((await run(['token', 'verify', tokens.accessToken])).code).toBe(1);
    await expect(login('ann@example.test')).rejects.toMatchObject({ code: 'account_disabled' });
    expect((await run(['users', 'search', 'ann'])).out).toMatch(/ann@example\.test {2}roles=- {2}disabled \d{4}-/);

    const enabled = await run(['users', 'enable', id]);
    expect(enabled.code).toBe(0);
    expect(enabled.out).toBe(`Enabled ann@example.test (${id}).`);
    expect(auditEvents(enabled.err)).toMatchObject([{ type: 'user_enabled', actorId: null, userId: id, alreadyEnabled: false }]);
    expect((await login('ann@example.test')).user.id).toBe(id);
  });

  it('roles replaces the roles (the way to make the first administrator); logout ends every session', async () => {
    const id = await create('ann@example.test', 'user');
    const first = await login('ann@example.test');
    const set = await run(['users', 'roles', 'ann@example.test', 'admin, support']);
    expect(set.code).toBe(0);
    expect(set.out).toBe('ann@example.test now has the roles admin, support; sessions get them at their next refresh.');
    expect(auditEvents(set.err)).toMatchObject([{ type: 'user_roles_changed', actorId: null, userId: id, before: ['user'], after: ['admin', 'support'] }]);
    const second = await login('ann@example.test');
    const decoded = JSON.parse((await run(['token', 'decode', '--json', second.tokens.accessToken])).out) as { payload: { roles: string[] } };
    expect(decoded.payload.roles).toEqual(['admin', 'support']);
    expect((await run(['users', 'roles', id, ''])).out).toBe('ann@example.test now has no roles; sessions get them at their next refresh.');

    const out = await run(['users', 'logout', id]);
    expect(out.code).toBe(0);
    expect(out.out).toBe(`Revoked 2 sessions of ${id}.`);
    expect(auditEvents(out.err)).toMatchObject([{ type: 'user_logged_out', actorId: null, userId: id, sessionsRevoked: 2 }]);
    for (const tokens of [first.tokens, second.tokens]) expect((await run(['token', 'verify', tokens.accessToken])).code).toBe(1);
  });

  it('fails with one line and a non-zero code: unknown user, bad role, missing arguments, bad numbers', async () => {
    await create('ann@example.test');
    const cases: [string[], number, RegExp][] = [
      [['users', 'disable', 'nobody@example.test'], 1, /^tessera: no user "nobody@example\.test"$/],
      [['users', 'enable', 'no-such-id'], 1, /^tessera: no user "no-such-id"$/],
      [['users', 'logout', 'no-such-id'], 1, /^tessera: no user "no-such-id"$/],
      [['users', 'roles', 'ann@example.test', 'has space'], 1, /^tessera: A role is 1 to 40 letters/],
      [['users', 'roles', 'ann@example.test'], 2, /^tessera users: "users roles" needs the roles/],
      [['users', 'disable'], 2, /^tessera users: missing <user-id-or-email>/],
      [['users', 'search'], 2, /^tessera users: missing <text>/],
      [['users', 'search', 'a', '--limit', '0'], 2, /^tessera users: --limit must be from 1 to 100$/],
      [['users', 'search', 'a', '--offset', 'x'], 2, /^tessera users: --offset must be a whole number$/],
      [['users', 'constructor'], 2, /^tessera users: "users" needs create, list, search/],
    ];
    for (const [argv, code, message] of cases) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).toBe(code);
      expect(result.err, argv.join(' ')).toMatch(message);
      expect(result.err.split('\n').filter((line) => !line.startsWith('{')), argv.join(' ')).toHaveLength(1);
    }
  });

  it('documents every action in --help', async () => {
    const help = await run(['users', '--help']);
    expect(help.code).toBe(0);
    for (const action of ['create', 'list', 'search', 'disable', 'enable', 'roles', 'logout']) expect(help.out).toContain(`tessera users ${action}`);
  });
});
