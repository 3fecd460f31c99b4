import { describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { normalizeEmail } from './email.js';
import { normalizeName } from './name.js';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof TesseraError && error.code === 'invalid_request') return error.message;
    throw error;
  }
  return 'accepted';
}

describe('the email normal form', () => {
  it('folds every spelling of one address into one string', () => {
    const spellings = [
      'ann@example.test',
      '  Ann@Example.TEST ',
      'ａｎｎ@ｅｘａｍｐｌｅ．ｔｅｓｔ', // fullwidth letters and full stop (NFKC)
      'ANN@EXAMPLE.TEST.', // the DNS root's trailing dot
      'ann@example\u3002test', // ideographic full stop
      'ann@EXAMPLE.test',
    ];
    for (const spelling of spellings) expect(normalizeEmail(spelling), JSON.stringify(spelling)).toBe('ann@example.test');
  });

  it('keeps an internationalised domain in its Unicode form, whichever spelling came in', () => {
    expect(normalizeEmail('Ann@Bücher.Example')).toBe('ann@bücher.example');
    expect(normalizeEmail('ann@xn--bcher-kva.example')).toBe('ann@bücher.example');
    expect(normalizeEmail('иван@пример.рф')).toBe('иван@пример.рф');
    expect(normalizeEmail('ﬁona@example.test')).toBe('fiona@example.test');
  });

  it('is stable: the normal form of a normal form is itself', () => {
    for (const email of ['ANN@BÜCHER.EXAMPLE', 'ǅemal@example.test', 'İpek@example.test', 'ΣΟΦΙΑ@example.test', 'ｱﾝ@example.test']) {
      const once = normalizeEmail(email);
      expect(normalizeEmail(once), email).toBe(once);
    }
  });

  it('refuses control characters, lone surrogates and invisible characters instead of stripping them', () => {
    const controls = ['ann\u0000@example.test', 'ann@example.test\u0000', 'ann\u0085@example.test', 'an\u007fn@example.test', 'ann\ud800@example.test', 'ann\u2028@example.test'];
    for (const email of controls) expect(refusal(() => normalizeEmail(email)), JSON.stringify(email)).toBe('The email address contains a control character or an invalid character.');
    const invisible = [
      'an\u200bn@example.test', // zero-width space
      'an\u200dn@example.test', // zero-width joiner
      'ann@exa\u00admple.test', // soft hyphen
      '\u202eann@example.test', // right-to-left override
      'ann\u2067@example.test', // right-to-left isolate
      'ann\u200f@example.test', // right-to-left mark
      '\ufeffann@example.test', // byte order mark
      'ann\u3164@example.test', // Hangul filler
      'ann\ufe0f@example.test', // variation selector
      'ann\u{e0041}@example.test', // tag character
      'ann\ue000@example.test', // private use
    ];
    for (const email of invisible) expect(refusal(() => normalizeEmail(email)), JSON.stringify(email)).toBe('The email address contains an invisible or formatting character.');
  });

  it('refuses Latin, Greek and Cyrillic letters mixed in one part', () => {
    const message = 'The email address mixes Latin, Greek or Cyrillic letters in one part; write each part in one script.';
    expect(refusal(() => normalizeEmail('p\u0430ypal@example.test'))).toBe(message); // Cyrillic а
    expect(refusal(() => normalizeEmail('ann@ex\u0430mple.test'))).toBe(message);
    expect(refusal(() => normalizeEmail('\u03bfscar@example.test'))).toBe(message); // Greek ο
    // One script per part is fine: a Cyrillic local part at a Latin domain.
    expect(normalizeEmail('иван@example.test')).toBe('иван@example.test');
  });

  it('refuses what is not an address', () => {
    for (const email of ['ann', 'ann@example', 'ann@example..test', 'ann@.example.test', 'ann@example.test..', 'an n@example.test', 'ann@xn--zz.test', 'ann@exa%mple.test', `${'a'.repeat(250)}@example.test`]) {
      expect(refusal(() => normalizeEmail(email)), email).toBe('The email address is not valid.');
    }
  });
});

describe('names', () => {
  it('refuses controls and bidi controls, keeps joiners and emoji, and uses NFC', () => {
    expect(refusal(() => normalizeName('Ann\u0000'))).toBe('The name contains a control character or an invalid character.');
    expect(refusal(() => normalizeName('Ann\u202eevE'))).toBe('The name contains a text-direction control character.');
    expect(refusal(() => normalizeName('Ann\u2066'))).toBe('The name contains a text-direction control character.');
    expect(normalizeName('👩\u200d💻 Ann')).toBe('👩\u200d💻 Ann');
    expect(normalizeName('Rene\u0301')).toBe('René');
    expect(normalizeName('   ')).toBeNull();
  });
});
