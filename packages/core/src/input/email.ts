import { domainToASCII, domainToUnicode } from 'node:url';
import { TesseraError } from '../errors.js';
import { refuseInvisibleCharacters } from './text-rules.js';

export const EMAIL_MAX_LENGTH = 254;

// Deliberately loose (one @, something on each side, no spaces): the only real test of an address is mail
// reaching it; this only stops obvious mistakes. The domain's labels are checked separately.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/u;

/** The ideographic full stop, which IDNA (and people typing in CJK layouts) treat as a dot. */
const IDEOGRAPHIC_FULL_STOP = /\u3002/gu;

/**
 * Scripts with many letters that look alike (Latin `a`, Cyrillic `а`, Greek `α`; `o`/`о`/`ο`; …). One part of
 * an address written in two of them is how a look-alike twin of a Latin address is made.
 */
const LOOK_ALIKE_SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Greek}/u, /\p{Script=Cyrillic}/u];

function invalid(reason = 'The email address is not valid.'): TesseraError {
  return new TesseraError('invalid_request', reason);
}

/**
 * The one normal form of an email address, applied wherever an address comes in (signup, login, `tessera users
 * create`, `tessera sessions list`, and any later lookup such as a password reset), so that two spellings of one
 * address are one account and no invisible or look-alike twin of an account can be created:
 *
 * 1. control characters, lone surrogates and invisible characters (zero-width, bidi controls, every format
 *    character, default-ignorables, private-use and unassigned code points) are refused, not stripped: a
 *    client that sends them has a bug or an intent, and either way the person should see the address refused;
 * 2. NFKC folds compatibility forms (fullwidth `ａｎｎ` is `ann`, the ligature `ﬁ` is `fi`), then lower-case
 *    (locale-independent), then NFKC again so the result is stable;
 * 3. surrounding white space is trimmed; white space inside is refused;
 * 4. the domain loses one trailing dot (`example.test.` is the DNS root spelling of `example.test`), the
 *    ideographic full stop counts as a dot, and an internationalised domain is stored in its Unicode form
 *    whatever spelling came in (`xn--bcher-kva.example` and `bücher.example` are one domain);
 * 5. the local part and each domain label may use letters of at most one of Latin, Greek and Cyrillic.
 *
 * The result is what is stored and looked up; applying the function to its own result returns it unchanged.
 */
export function normalizeEmail(email: string): string {
  refuseInvisibleCharacters(email, 'email address');
  const folded = email.normalize('NFKC').toLowerCase().normalize('NFKC').trim();
  if (folded.length > EMAIL_MAX_LENGTH || !EMAIL_SHAPE.test(folded)) throw invalid();
  const at = folded.lastIndexOf('@');
  const local = folded.slice(0, at);
  const domain = normalizeDomain(folded.slice(at + 1));
  if (mixesLookAlikeScripts(local) || domain.split('.').some(mixesLookAlikeScripts)) {
    throw invalid('The email address mixes Latin, Greek or Cyrillic letters in one part; write each part in one script.');
  }
  const normalized = `${local}@${domain}`;
  if (normalized.length > EMAIL_MAX_LENGTH) throw invalid();
  return normalized;
}

function normalizeDomain(raw: string): string {
  let domain = raw.replace(IDEOGRAPHIC_FULL_STOP, '.');
  if (domain.endsWith('.')) domain = domain.slice(0, -1);
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((label) => label === '')) throw invalid();
  // UTS #46 via the URL standard: '' for a domain no resolver would accept (bad punycode, forbidden characters).
  const ascii = domainToASCII(domain);
  if (ascii === '') throw invalid();
  return domainToUnicode(ascii);
}

function mixesLookAlikeScripts(part: string): boolean {
  return LOOK_ALIKE_SCRIPTS.filter((script) => script.test(part)).length > 1;
}
