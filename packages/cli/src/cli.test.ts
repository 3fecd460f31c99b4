import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseCommandArgs } from './command.js';
import { COMMANDS } from './main.js';
import { auditEvents, useCli } from '../test/cli-harness.js';

const cli = useCli('tessera-cli-');
const run = cli.run;

describe('tessera CLI', () => {
  it('has --help on every command, and the contract commands', async () => {
    expect(COMMANDS.map((c) => c.name).sort()).toEqual(['keys', 'migrate', 'secret', 'serve', 'sessions', 'token', 'users']);
    for (const command of COMMANDS) {
      const result = await run([command.name, '--help']);
      expect(result.code).toBe(0);
      expect(result.out).toMatch(/^Usage: tessera /);
    }
    expect((await run(['--help'])).out).toMatch(/Commands:/);
  });

  it('fails with one clear line and a non-zero code on a bad call', async () => {
    for (const argv of [['nope'], ['keys'], ['keys', 'spin'], ['token', 'decode'], ['users', 'create'], ['users', 'list', '--bogus']]) {
      const result = await run(argv);
      expect(result.code, argv.join(' ')).not.toBe(0);
      expect(result.err.split('\n')).toHaveLength(1);
      expect(result.err).toMatch(/^tessera/);
    }
  });

  it('reads a key or session id that starts with "-" as an id, not as an unknown option', () => {
    const command = (name: string) => COMMANDS.find((c) => c.name === name)!;
    expect(parseCommandArgs(command('keys'), ['revoke', '-fXc4_AbC']).positionals).toEqual(['revoke', '-fXc4_AbC']);
    expect(parseCommandArgs(command('sessions'), ['revoke', '-Q9zz']).positionals).toEqual(['revoke', '-Q9zz']);
    expect(parseCommandArgs(command('users'), ['create', '--email', '-odd@example.test']).values.email).toBe('-odd@example.test');
    expect(parseCommandArgs(command('serve'), ['-p3000']).values.port).toBe('3000');
    expect(parseCommandArgs(command('keys'), ['-h']).values.help).toBe(true);
    expect(() => parseCommandArgs(command('keys'), ['list', '--bogus'])).toThrow(/Unknown option '--bogus'/);
  });

  it('secret prints 64 fresh hex characters, which the server accepts as TESSERA_SECRET', async () => {
    const a = await run(['secret']);
    const b = await run(['secret']);
    expect(a.out).toMatch(/^[0-9a-f]{64}$/);
    expect(a.out).not.toBe(b.out);
    cli.env.TESSERA_SECRET = a.out;
    expect((await run(['users', 'list'])).code).toBe(0);
  });

  it('refuses a guessable TESSERA_SECRET with one sentence that says to run "npx tessera secret"', async () => {
    for (const secret of ['secretsecretsecretsecretsecretse', 'a'.repeat(32), '0'.repeat(64)]) {
      cli.env.TESSERA_SECRET = secret;
      for (const argv of [['users', 'list'], ['serve', '--port', '0']]) {
        const result = await run(argv);
        expect(result.code).toBe(1);
        expect(result.out).toBe('');
        expect(result.err).toMatch(/^tessera: TESSERA_SECRET is too easy to guess \(it repeats a short pattern: about \d+ bits where 112 are needed\); run "npx tessera secret" for a random one\.$/);
      }
    }
  });

  it('refuses a bad configuration with the sentence that names the variable', async () => {
    cli.env.TESSERA_SECRET = 'short';
    const result = await run(['users', 'list']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/^tessera: TESSERA_SECRET/);
  });

  it('migrate, users create/list, sessions list/revoke, keys list/rotate, token decode/verify', async () => {
    expect((await run(['migrate'])).code).toBe(0);
    const created = await run(['users', 'create', '--email', 'Ann@Example.test', '--name', 'Ann', '--password-stdin'], 'a good long password\n');
    expect(created.code).toBe(0);
    const user = JSON.parse(created.out) as { id: string; email: string };
    expect(user.email).toBe('ann@example.test');
    expect(auditEvents(created.err)).toMatchObject([{ type: 'user_created', userId: user.id, email: 'ann@example.test', level: 'info' }]);
    expect(created.err).not.toMatch(/a good long password|argon2/);
    expect(created.out).not.toMatch(/argon2|password/i);
    expect((await run(['users', 'create', '--email', 'ann@example.test', '--password', 'another password'])).code).toBe(1);
    expect((await run(['users', 'list'])).out).toContain('ann@example.test');

    // Sign a token through the same runtime the server uses, then inspect it with the CLI.
    const { loadConfig, openRuntime } = await import('@tessera/server');
    const runtime = await openRuntime(loadConfig(cli.env, cli.dataDir));
    const { tokens } = await runtime.auth.login({ email: 'ann@example.test', password: 'a good long password' }, { userAgent: 'cli-test' });
    // A second session, bound to a device key (DPoP) by its thumbprint.
    const bound = await runtime.auth.login({ email: 'ann@example.test', password: 'a good long password' }, { userAgent: 'phone', dpopJkt: 'k'.repeat(43) });
    await runtime.close();

    const decoded = await run(['token', 'decode', tokens.accessToken]);
    expect(decoded.code).toBe(0);
    expect(decoded.out).toContain('"typ": "at+jwt"');
    expect(decoded.out).toContain(`"sub": "${user.id}"`);
    expect(decoded.out).toMatch(/NOT VERIFIED/);
    const decodedJson = await run(['token', 'decode', '--json', tokens.accessToken]);
    expect(JSON.parse(decodedJson.out)).toMatchObject({ verified: false, payload: { sub: user.id } });

    expect((await run(['token', 'verify', tokens.accessToken])).code).toBe(0);
    const tampered = tokens.accessToken.slice(0, -3) + (tokens.accessToken.endsWith('AAA') ? 'BBB' : 'AAA');
    const bad = await run(['token', 'verify', tampered]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/invalid_token/);

    const sessions = await run(['sessions', 'list', 'ann@example.test', '--json']);
    expect(JSON.parse(sessions.out)).toEqual([
      expect.objectContaining({ id: bound.tokens.sessionId, deviceBound: true, userAgent: 'phone' }),
      expect.objectContaining({ id: tokens.sessionId, deviceBound: false, userAgent: 'cli-test' }),
    ]);
    expect((await run(['sessions', 'list', 'ann@example.test'])).out.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^${bound.tokens.sessionId}  last used \\S+  device-bound  -  phone$`)),
      expect.stringMatching(new RegExp(`^${tokens.sessionId}  last used \\S+  bearer  -  cli-test$`)),
    ]);
    const revokedSession = await run(['sessions', 'revoke', tokens.sessionId]);
    expect(revokedSession.code).toBe(0);
    expect(auditEvents(revokedSession.err)).toMatchObject([{ type: 'session_revoked', sessionId: tokens.sessionId, userId: user.id, reason: 'admin' }]);
    expect((await run(['sessions', 'revoke', tokens.sessionId])).code).toBe(1);
    expect((await run(['token', 'verify', tokens.accessToken])).code).toBe(1);

    const before = JSON.parse((await run(['keys', 'list', '--json'])).out) as { kid: string; status: string }[];
    expect(before.filter((k) => k.status === 'signing')).toHaveLength(1);
    const rotated = await run(['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    expect(auditEvents(rotated.err)).toMatchObject([{ type: 'key_rotated', previousKid: before[0]!.kid }]);
    const after = JSON.parse((await run(['keys', 'list', '--json'])).out) as { kid: string; status: string }[];
    expect(after.find((k) => k.kid === before[0]!.kid)!.status).toBe('verifying');
    expect(after.filter((k) => k.status === 'signing')).toHaveLength(1);
  });

  it('keys revoke withdraws a leaked key at once: its tokens are refused, the signing key rotates first', async () => {
    const { loadConfig, openRuntime } = await import('@tessera/server');
    const runtime = await openRuntime(loadConfig(cli.env, cli.dataDir));
    const { tokens } = await runtime.auth.signup({ email: 'bo@example.test', password: 'a good long password' }, { userAgent: 'cli-test' });
    const leaked = runtime.keys.signingKey().kid;
    await runtime.close();
    expect((await run(['token', 'verify', tokens.accessToken])).code).toBe(0);

    const revoked = await run(['keys', 'revoke', leaked]);
    expect(revoked.code).toBe(0);
    expect(auditEvents(revoked.err)).toMatchObject([{ type: 'key_revoked', kid: leaked, level: 'warn' }]);
    expect(revoked.out).toMatch(new RegExp(`^Revoked ${leaked}: .* Now signing with \\S+\\.`));
    const keys = JSON.parse((await run(['keys', 'list', '--json'])).out) as { kid: string; status: string }[];
    expect(keys.map((k) => k.kid)).not.toContain(leaked);
    expect(keys.filter((k) => k.status === 'signing')).toHaveLength(1);
    const refused = await run(['token', 'verify', tokens.accessToken]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/invalid_token/);

    const again = await run(['keys', 'revoke', leaked]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^tessera: no stored key/);
    expect((await run(['keys', 'revoke'])).code).not.toBe(0);
  });
});

describe('the built binary', () => {
  const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
  it.runIf(existsSync(bin))('exits 0 on success and non-zero with one line on failure', async () => {
    const exec = promisify(execFile);
    const ok = await exec(process.execPath, [bin, 'secret']);
    expect(ok.stdout.trim()).toMatch(/^[0-9a-f]{64}$/);
    const failed = await exec(process.execPath, [bin, 'token', 'decode', 'not-a-token']).catch((error: { code: number; stderr: string }) => error);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr.trim().split('\n')).toHaveLength(1);
    const weak = await exec(process.execPath, [bin, 'serve', '--port', '0'], { env: { ...process.env, TESSERA_SECRET: 'a'.repeat(32), TESSERA_DATA_DIR: cli.dataDir } }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect((weak as { code: number }).code).toBe(1);
    expect((weak as { stderr: string }).stderr).toMatch(/^tessera: TESSERA_SECRET is too easy to guess \(.*\); run "npx tessera secret" for a random one\.\n$/);
  });
});
