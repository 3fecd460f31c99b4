import { readFileSync } from 'node:fs';

const loaded = new Map<string, ReadonlyMap<string, number>>();

/**
 * A word list shipped with the package (`assets/<name>`, one entry per line, most common first, `#` comments), as
 * lower-case entry → rank (1 = the most common). Read once, on first use: a process that never checks a password
 * or a secret never pays for it. The same relative URL works from `src/password/` under the tests and from
 * `dist/password/` once built.
 */
export function rankedList(name: 'common-passwords.txt' | 'common-words.txt'): ReadonlyMap<string, number> {
  let ranks = loaded.get(name);
  if (ranks === undefined) {
    const text = readFileSync(new URL(`../../assets/${name}`, import.meta.url), 'utf8');
    const entries = new Map<string, number>();
    for (const line of text.split(/\r?\n/)) {
      if (line === '' || line.startsWith('#')) continue;
      const entry = line.toLowerCase();
      if (!entries.has(entry)) entries.set(entry, entries.size + 1);
    }
    ranks = entries;
    loaded.set(name, ranks);
  }
  return ranks;
}
