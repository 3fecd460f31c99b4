const BASE64URL = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * True when `text` is the one canonical base64url spelling of some bytes: only [A-Za-z0-9_-], no padding or
 * whitespace, a length that is not 1 mod 4, and unused trailing bits equal to zero. This is exactly
 * "decode then encode gives back the same text" (base64url.test.ts proves the equivalence), done without
 * allocating. It stops token malleability: Node's decoder is lenient, so without it `a+b`, `a-b`, `ab=` and
 * `ab\n` would all decode to the same bytes, letting one signed token be respelled into many distinct strings
 * that dodge a deny list or a cache key and differ from what stricter verifiers see.
 */
export function isCanonicalBase64url(text: string): boolean {
  const tail = text.length % 4;
  if (tail === 1 || !BASE64URL.test(text)) return false;
  if (tail === 0) return true;
  // 2 trailing characters carry 1 byte (4 spare bits), 3 carry 2 bytes (2 spare bits).
  const last = ALPHABET.indexOf(text.charAt(text.length - 1));
  return (last & (tail === 2 ? 0x0f : 0x03)) === 0;
}
