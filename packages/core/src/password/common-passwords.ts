import { readFileSync } from 'node:fs';

let common: ReadonlySet<string> | undefined;

/**
 * The 10,000 most common passwords, shipped with the package (`assets/common-passwords.txt`, one per line, `#`
 * comments). Read once, on first use: a process that never checks a password never pays for it. The same relative
 * URL works from `src/password/` under the tests and from `dist/password/` once built.
 */
function load(): ReadonlySet<string> {
  const text = readFileSync(new URL('../../assets/common-passwords.txt', import.meta.url), 'utf8');
  const entries = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    entries.add(line.toLowerCase());
  }
  return entries;
}

/**
 * Whether a password is on the list, ignoring case: `Password1` is guessed as early as `password1`. Stops the
 * credential-stuffing and password-spraying attacks that try exactly these first.
 */
export function isCommonPassword(password: string): boolean {
  common ??= load();
  return common.has(password.toLowerCase());
}
