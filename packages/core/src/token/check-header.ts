import { isCanonicalBase64url } from './base64url.js';
import { decodeJsonObject } from './decode-json.js';
import { invalidToken } from './invalid-token.js';
import type { VerificationKey } from './types.js';

/**
 * Header members Tessera never honours and refuses outright:
 * - `jwk`, `jku`, `x5u`, `x5c`: key injection — the token would bring (or point at) the key that verifies it,
 *   so an attacker signs with their own key and ships its public half along.
 * - `crit`: unknown critical extensions must make a token invalid (RFC 7515 §4.1.11); we implement none.
 * - `b64`: unencoded-payload confusion (RFC 7797) — the signed bytes would no longer be the payload we parse.
 */
const FORBIDDEN_MEMBERS = ['jwk', 'jku', 'x5u', 'x5c', 'crit', 'b64'] as const;

interface ParsedHeader {
  kid: string;
  alg: unknown;
}

/**
 * Headers that passed the key-independent checks, by exact segment text. Every token a key signs carries the
 * same header, so this skips the canonical-spelling check, a base64 decode and a JSON parse per token; the key
 * lookup and the algorithm pin below still run on every call. Bounded, oldest evicted first, so junk headers
 * cannot grow it.
 */
const parsedHeaders = new Map<string, ParsedHeader>();
const PARSED_HEADERS_MAX = 64;

function parseHeader(segment: string): ParsedHeader {
  const cached = parsedHeaders.get(segment);
  if (cached !== undefined) return cached;
  // Malleability: see isCanonicalBase64url. A cached segment is this very text, so it was checked here once.
  if (!isCanonicalBase64url(segment)) throw invalidToken('malformed', 'the token header is not canonical base64url');
  const header = decodeJsonObject(segment);
  if (header === undefined) throw invalidToken('malformed', 'the token header is not a JSON object');
  for (const member of FORBIDDEN_MEMBERS) {
    if (Object.hasOwn(header, member)) throw invalidToken('forbidden_header', `the token header carries "${member}", which is never accepted`);
  }
  // Token-type confusion: an ID token, a logout token or any other JWT signed by a key we trust is not an
  // access token (RFC 9068 §4 requires typ "at+jwt").
  if (header.typ !== 'at+jwt') throw invalidToken('wrong_type', 'the token typ is not "at+jwt"');
  const kid = header.kid;
  // Lookup injection: a number, an object or an array would be coerced by a careless resolver (`keys[kid]`,
  // a SQL string, a file path); only a string is ever looked up, and only by exact match.
  if (typeof kid !== 'string') throw invalidToken('malformed', 'the token kid is missing or not a string');
  const parsed: ParsedHeader = { kid, alg: header.alg };
  if (parsedHeaders.size >= PARSED_HEADERS_MAX) parsedHeaders.delete(parsedHeaders.keys().next().value as string);
  parsedHeaders.set(segment, parsed);
  return parsed;
}

/** Checks the protected header and returns the key it names. Nothing here trusts the header for crypto choices. */
export function checkHeader(segment: string, resolveKey: (kid: string) => VerificationKey | undefined): VerificationKey {
  const header = parseHeader(segment);
  const key = resolveKey(header.kid);
  if (key === undefined) throw invalidToken('unknown_kid', 'the token kid does not name a current key');
  // Algorithm confusion and `alg: none`: the algorithm is pinned to the key, never taken from the token, so
  // "none" (in any casing) and HS256 signed with our public key as the HMAC secret are refused here.
  if (header.alg !== key.alg) throw invalidToken('alg_mismatch', 'the token alg does not match the algorithm of its key');
  return key;
}
