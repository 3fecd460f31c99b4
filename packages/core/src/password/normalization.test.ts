import * as argon2 from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_PARAMS, hashPassword, matchPassword } from './hash.js';
import { checkPasswordCharacters, checkPasswordPolicy } from './policy.js';

const COMPOSED = 'caf\u00e9 au lait s\u00fbr'; // precomposed é and û (NFC, as most keyboards send)
const DECOMPOSED = 'cafe\u0301 au lait su\u0302r'; // e + combining acute, u + combining circumflex (as some systems send)

describe('password normalisation (NFKC)', () => {
  it('accepts the same password whichever Unicode form it is typed in', async () => {
    const hash = await hashPassword(DECOMPOSED);
    expect(await matchPassword(hash, COMPOSED)).toEqual({ matches: true, rehash: false });
    expect(await matchPassword(hash, DECOMPOSED)).toEqual({ matches: true, rehash: false });
    expect(await matchPassword(await hashPassword('ｐａｓｓｗｏｒｄ ４２ horse'), 'password 42 horse')).toEqual({ matches: true, rehash: false });
    expect((await matchPassword(hash, 'cafe au lait sur')).matches).toBe(false);
  });

  it('still verifies a hash made before normalisation, and asks for it to be replaced', async () => {
    const legacy = await argon2.hash(DECOMPOSED, ARGON2_PARAMS);
    expect(await matchPassword(legacy, DECOMPOSED)).toEqual({ matches: true, rehash: true });
    expect(await matchPassword(legacy, 'not the password')).toEqual({ matches: false, rehash: false });
  });

  it('refuses C0 and C1 controls, DEL, NUL and lone surrogates in any presented password', () => {
    for (const password of ['correct\u0000horse', 'correct\thorse', 'correct\nhorse', 'correct\u007fhorse', 'correct\u0085horse', 'correct\u009fhorse', 'correct\ud800horse', 'correct\udc00horse']) {
      expect(() => checkPasswordCharacters(password), JSON.stringify(password)).toThrow('The password contains a control character or an invalid character.');
      expect(() => checkPasswordPolicy(`${password} battery staple`), JSON.stringify(password)).toThrow('The password contains a control character or an invalid character.');
    }
    // Everything else a person may type is a password character: spaces, emoji sequences (with joiners), any script.
    for (const password of ['correct horse battery', '👩\u200d💻👩\u200d💻👩\u200d💻👩\u200d💻', 'пароль-очень-длинный', '密码是很长的一句话']) checkPasswordPolicy(password);
  });
});
