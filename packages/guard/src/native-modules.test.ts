import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A service that only verifies tokens must not load the password hasher's native modules (@node-rs/argon2,
// @node-rs/bcrypt): they cost start-up time and memory, and fail to install on platforms without a prebuilt
// binary. Each import runs in a fresh Node process over the built packages, with `process.dlopen` (the one way
// Node loads a native addon) recording every file it opens.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const PROBE = `
const opened = [];
const dlopen = process.dlopen;
process.dlopen = function (module, filename, ...rest) { opened.push(filename); return dlopen.call(this, module, filename, ...rest); };
await import(process.argv[1]);
process.stdout.write(JSON.stringify(opened));
`;

function nativeModulesLoadedBy(specifier: string): string[] {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE, specifier], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out) as string[];
}

describe('native modules', () => {
  it('the guard and each of its entries load none', () => {
    expect(existsSync(`${root}packages/guard/dist/index.js`), 'run `npx tsc -b` first').toBe(true);
    for (const entry of ['@tessera/guard', '@tessera/guard/express', '@tessera/guard/fastify', '@tessera/guard/koa', '@tessera/guard/hono', '@tessera/guard/cookie-session']) {
      expect({ entry, opened: nativeModulesLoadedBy(entry) }).toEqual({ entry, opened: [] });
    }
  });

  it('core\'s token, http, errors, keys and dpop entries load none; the password entry is where argon2 and bcrypt come in', () => {
    for (const entry of ['@tessera/core/token', '@tessera/core/http', '@tessera/core/errors', '@tessera/core/keys', '@tessera/core/dpop']) {
      expect({ entry, opened: nativeModulesLoadedBy(entry) }).toEqual({ entry, opened: [] });
    }
    // The probe itself works: the entry that hashes passwords does open both addons.
    const opened = nativeModulesLoadedBy('@tessera/core/password');
    expect(opened.some((file) => file.includes('argon2'))).toBe(true);
    expect(opened.some((file) => file.includes('bcrypt'))).toBe(true);
  });
});
