import { rankedList } from './password/ranked-list.js';

/**
 * The fewest guesses (as bits, log2) a secret must cost an attacker who tries patterns before random strings:
 * 112 bits, the minimum security strength NIST SP 800-57 allows for a symmetric key (the secret is one: the HKDF
 * input of the HS256 key). Not 128: 16 random bytes written as 32 hex characters hold exactly 128 bits, and the
 * estimate below finds a few bits of accidental "patterns" in about one of them in ten thousand; 112 leaves them
 * a wide margin while every secret made of words, repeats or runs stays far below it.
 */
export const MIN_SECRET_BITS = 112;

/** What made a secret cheap to guess, for the refusal's sentence; `alphabet` = too short for the characters it uses. */
export type SecretWeakness = 'repeats' | 'sequence' | 'words' | 'alphabet';

export interface SecretStrength {
  /** log2 of the guesses the cheapest description of the secret below needs. */
  bits: number;
  /** The kind of pattern that saved the attacker the most, or `alphabet` when the text is too short even without one. */
  weakness: SecretWeakness;
}

/** Longer secrets are judged on their beginning: the analysis is quadratic, and 1,024 characters are plenty. */
const MAX_ANALYZED = 1024;
const MIN_MATCH = 3;
/** No listed word is longer. */
const MAX_WORD = 32;

/**
 * Words people put into a server secret that the common-password list lacks or ranks low. Priced as if tried
 * right after the first few hundred passwords.
 */
const SECRET_WORDS = [
  'tessera', 'secret', 'jwt', 'key', 'token', 'signing', 'sign', 'server', 'auth', 'session', 'cookie', 'hmac',
  'hs256', 'production', 'prod', 'staging', 'development', 'dev', 'test', 'example', 'changeme', 'change', 'default',
  'super', 'very', 'long', 'random', 'string', 'replace', 'this', 'with', 'your', 'my', 'our', 'here', 'app', 'api',
];
const SECRET_WORD_RANK = new Map(SECRET_WORDS.map((word, index) => [word, 300 + index]));

/** Keyboard rows, walked either way ("qwerty", "lkjh"). */
const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890', '!@#$%^&*()', 'qwertzuiop', 'azertyuiop'];

const LEET: Readonly<Record<string, string>> = { '4': 'a', '@': 'a', '8': 'b', '3': 'e', '9': 'g', '!': 'i', '0': 'o', '$': 's', '5': 's', '7': 't', '+': 't' };

/**
 * Estimates how many guesses a secret costs an attacker who knows the usual shapes of weak secrets, in the spirit
 * of zxcvbn: the cheapest way to spell the text as random characters (log2 of the alphabet it draws from, per
 * character), the 10,000 most common passwords and 20,000 most common English words (priced by rank, plus case
 * and l33t changes), runs like `abcd`, `2468` or a keyboard row, and repeats of earlier text (`secretsecret…`,
 * `aaaa…`). A floor that refuses the obvious, not a proof of randomness: a secret with a pattern this does not
 * know is over-estimated.
 *
 * `hex` says the text is the hex encoding of the secret's bytes (what `tessera secret` prints): its alphabet is
 * then 16 symbols whatever letters it happens to use.
 */
export function estimateSecretStrength(text: string, options: { hex?: boolean } = {}): SecretStrength {
  const chars = Array.from(options.hex ? text.toLowerCase() : text).slice(0, MAX_ANALYZED);
  const codes = chars.map((c) => c.codePointAt(0) as number);
  const n = chars.length;
  const perChar = Math.log2(options.hex ? 16 : alphabetSize(chars));
  const lower = chars.map((c) => c.toLowerCase());
  const spellings = [lower, unleet(lower, 'i'), unleet(lower, 'l')];

  // best[i]: fewest bits for the first i characters; how[i]: the last step of that cheapest spelling.
  const best = new Float64Array(n + 1).fill(Infinity);
  const how: { from: number; kind: SecretWeakness | null }[] = new Array(n + 1);
  best[0] = 0;
  const relax = (from: number, to: number, bits: number, kind: SecretWeakness | null) => {
    const total = (best[from] as number) + bits;
    if (total < (best[to] as number)) {
      best[to] = total;
      how[to] = { from, kind };
    }
  };
  const repeatLength = longestEarlierRepeat(codes);
  for (let i = 0; i < n; i++) {
    relax(i, i + 1, perChar, null);
    for (let end = i + MIN_MATCH; end <= n && end - i <= MAX_WORD; end++) {
      const bits = wordBits(chars, spellings, i, end);
      if (bits !== undefined) relax(i, end, bits, 'words');
    }
    for (let end = i + MIN_MATCH; end <= Math.min(n, i + (repeatLength[i] as number)); end++) {
      relax(i, end, 1 + Math.log2(Math.max(i, 1)) + Math.log2(end - i), 'repeats');
    }
    const step = runStep(codes, lower, i);
    if (step !== undefined) {
      for (let end = i + MIN_MATCH; end <= i + step.length; end++) relax(i, end, step.bits + Math.log2(end - i), 'sequence');
    }
  }

  // Which kind of pattern saved the most bits on the cheapest spelling names the weakness.
  const saved: Record<SecretWeakness, number> = { repeats: 0, sequence: 0, words: 0, alphabet: 0 };
  for (let at = n; at > 0; ) {
    const step = how[at]!;
    if (step.kind !== null) saved[step.kind] += (at - step.from) * perChar - ((best[at] as number) - (best[step.from] as number));
    at = step.from;
  }
  const top = (['repeats', 'sequence', 'words'] as const).reduce((a, b) => (saved[b] > saved[a] ? b : a));
  // Too short for its alphabet even as random characters: no pattern is to blame.
  const alphabetOnly = n * perChar < MIN_SECRET_BITS || saved[top] === 0;
  return { bits: best[n] as number, weakness: alphabetOnly ? 'alphabet' : top };
}

/** The alphabet an attacker brute-forcing this text must assume, from the classes of characters it uses. */
function alphabetSize(chars: readonly string[]): number {
  let lower = false, upper = false, digit = false, symbol = false, other = false;
  for (const c of chars) {
    if (c >= 'a' && c <= 'z') lower = true;
    else if (c >= 'A' && c <= 'Z') upper = true;
    else if (c >= '0' && c <= '9') digit = true;
    else if (c >= ' ' && c <= '~') symbol = true;
    else other = true;
  }
  return (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) + (other ? 100 : 0) || 1;
}

function unleet(chars: readonly string[], one: 'i' | 'l'): string[] {
  return chars.map((c) => (c === '1' || c === '|' ? one : (LEET[c] ?? c)));
}

/** Bits of chars[start, end) as a listed word (case and l33t changes cost extra), or undefined. */
function wordBits(chars: readonly string[], spellings: readonly (readonly string[])[], start: number, end: number): number | undefined {
  let cheapest: number | undefined;
  for (let s = 0; s < spellings.length; s++) {
    const spelling = spellings[s] as readonly string[];
    const word = spelling.slice(start, end).join('');
    const rank = wordRank(word);
    if (rank === undefined) continue;
    let bits = Math.log2(rank + 1) + caseBits(chars, start, end);
    // Each l33t substitution is one more choice the attacker makes.
    if (s > 0) for (let i = start; i < end; i++) if (spelling[i] !== (spellings[0] as readonly string[])[i]) bits += 1;
    if (cheapest === undefined || bits < cheapest) cheapest = bits;
  }
  return cheapest;
}

/** How early a dictionary attack tries a lower-case word: the best of its ranks on the three lists. */
function wordRank(word: string): number | undefined {
  // English words of three letters are everywhere in random text (`bad`, `fed`, `ace` in hex); a passphrase is
  // caught by its longer words.
  const english = word.length >= 4 ? rankedList('common-words.txt').get(word) : undefined;
  const ranks = [rankedList('common-passwords.txt').get(word), english, SECRET_WORD_RANK.get(word)];
  let best: number | undefined;
  for (const rank of ranks) if (rank !== undefined && (best === undefined || rank < best)) best = rank;
  return best;
}

/** All lower case is free; Capitalised or ALL UPPER is one choice; any other mix costs a bit per letter. */
function caseBits(chars: readonly string[], start: number, end: number): number {
  let letters = 0, uppers = 0;
  for (let i = start; i < end; i++) {
    const c = chars[i] as string;
    if (c.toLowerCase() !== c.toUpperCase()) {
      letters++;
      if (c !== c.toLowerCase()) uppers++;
    }
  }
  if (uppers === 0) return 0;
  if (uppers === letters || (uppers === 1 && chars[start] !== (chars[start] as string).toLowerCase())) return 1;
  return letters;
}

/**
 * The longest run starting at `start`: code points with a constant step of ±1 or ±2 (`abcd`, `9753`), or a
 * stretch of a keyboard row either way; with the bits to name where it starts and how it goes.
 */
function runStep(codes: readonly number[], lower: readonly string[], start: number): { length: number; bits: number } | undefined {
  let found: { length: number; bits: number } | undefined;
  const delta = (codes[start + 1] ?? NaN) - (codes[start] as number);
  if (Math.abs(delta) === 1 || Math.abs(delta) === 2) {
    let end = start + 2;
    while (end < codes.length && (codes[end] as number) - (codes[end - 1] as number) === delta) end++;
    if (end - start >= MIN_MATCH) found = { length: end - start, bits: Math.log2(95) + (Math.abs(delta) === 1 ? 1 : 2) };
  }
  for (const row of KEYBOARD_ROWS) {
    for (const line of [row, [...row].reverse().join('')]) {
      const from = line.indexOf(lower[start] as string);
      if (from < 0) continue;
      let length = 0;
      while (start + length < lower.length && line[from + length] === lower[start + length]) length++;
      if (length >= MIN_MATCH && (found === undefined || length > found.length)) found = { length, bits: Math.log2(KEYBOARD_ROWS.length * 2 * 10) };
    }
  }
  return found;
}

/**
 * For each position k, the longest L with codes[k, k+L) equal to codes[j, j+L) for some j < k (overlap allowed,
 * so `aaaa` is `a` then three copies): the repeats an attacker gets for the price of pointing back.
 */
function longestEarlierRepeat(codes: readonly number[]): Int32Array {
  const n = codes.length;
  const longest = new Int32Array(n);
  // row[k] = length of the common prefix of codes[j…] and codes[k…], built from j = n-1 down to 0.
  let row = new Int32Array(n + 1);
  let next = new Int32Array(n + 1);
  for (let j = n - 1; j >= 0; j--) {
    for (let k = n - 1; k > j; k--) {
      const common = codes[j] === codes[k] ? (row[k + 1] as number) + 1 : 0;
      next[k] = common;
      if (common > (longest[k] as number)) longest[k] = common;
    }
    [row, next] = [next, row];
    next.fill(0);
  }
  return longest;
}
