import { TesseraError } from '../errors.js';

/** Longest access token the verifiers read (core's default `maxTokenLength`). */
export const MAX_TOKEN_LENGTH = 8192;
/**
 * Largest `Authorization` header read: far above any token we issue (< 1 KiB). A megabyte bearer string is
 * resource exhaustion aimed at the parsers and the token cache, never a real client. Same limit, code and
 * sentence as the server's credential-header limit, so a guard answers it exactly as the server does.
 */
export const MAX_AUTHORIZATION_HEADER_BYTES = 8 * 1024;

/** The Bearer scheme, case-insensitively, alone or followed by whitespace. */
const BEARER_SCHEME = /^bearer(\s|$)/i;
/** RFC 6750 §2.1 b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

const MALFORMED = 'The Authorization header must be "Bearer", one or more spaces, then one token.';

export type BearerResult = { kind: 'none' } | { kind: 'token'; token: string };

/**
 * What an `Authorization` header carries: one value, or every value when the request had several (Node's
 * `req.headersDistinct.authorization`). Several headers are never merged or picked from.
 */
export type AuthorizationHeader = string | readonly string[] | null | undefined;

/**
 * Reads `Authorization: Bearer <token>`. No header, or another scheme (Basic), is "no token" — a 401 without an
 * error code. A malformed Bearer header (the scheme alone, two tokens, two headers folded by a proxy into one
 * comma list, a tab or spaces inside the token) is a 400, so a sloppy client learns what is wrong instead of retrying forever.
 * Several Authorization headers are a 400 too: picking one would hide which credential was meant.
 */
export function readBearer(header: AuthorizationHeader): BearerResult {
  const value = oneAuthorizationHeader(header);
  if (value === undefined || value === '') return { kind: 'none' };
  if (!BEARER_SCHEME.test(value)) return { kind: 'none' };
  // "Bearer" (any case, checked above), one or more spaces (RFC 6750 §2.1: "Bearer" 1*SP b64token), then the
  // token: test and slice rather than a capture, which would copy the token into a match array on every request.
  // The usual single space costs one extra charCodeAt; only a second space enters the loop.
  let start = 7;
  if (value.charCodeAt(6) === 0x20) while (value.charCodeAt(start) === 0x20) start++;
  const token = value.slice(start);
  if (value.charCodeAt(6) !== 0x20 || !B64TOKEN.test(token)) throw new TesseraError('invalid_request', MALFORMED);
  return { kind: 'token', token };
}

/**
 * Whether the request presented a Bearer credential at all, well-formed or not (or several Authorization
 * headers). RFC 6750 §3.1: only then does the challenge carry an error code.
 */
export function presentsBearer(header: AuthorizationHeader): boolean {
  if (header === null || header === undefined) return false;
  if (typeof header !== 'string' && header.length > 1) return true;
  const value = typeof header === 'string' ? header : header[0];
  return value !== undefined && BEARER_SCHEME.test(value);
}

/**
 * The one Authorization value a request may carry, whatever its scheme: several headers are refused (picking one
 * would hide which credential was meant), and so is one over 8 KiB (a megabyte credential is resource exhaustion
 * aimed at the parsers and the token cache). The server calls this once per request; readBearer calls it too, so a
 * guard refuses exactly what the server refuses.
 */
export function oneAuthorizationHeader(header: AuthorizationHeader): string | undefined {
  if (header === null || header === undefined) return undefined;
  if (typeof header !== 'string' && header.length > 1) throw new TesseraError('invalid_request', 'Send one Authorization header, not several.');
  const value = typeof header === 'string' ? header : header[0];
  // A UTF-16 unit is at most 3 UTF-8 bytes: short headers skip the byte count.
  if (value !== undefined && value.length * 3 > MAX_AUTHORIZATION_HEADER_BYTES && Buffer.byteLength(value) > MAX_AUTHORIZATION_HEADER_BYTES) {
    throw new TesseraError('invalid_request', 'The Authorization header is larger than 8 KiB.');
  }
  return value;
}

/**
 * The Authorization header of a Node request. Node's `headers.authorization` silently keeps only the first of
 * several, which would hide an ambiguous request; so the raw headers are scanned, and every value is returned
 * when there are several (which readBearer refuses). Cheaper than `headersDistinct`, which copies every header.
 */
export function nodeAuthorization(request: { headers: { authorization?: string | undefined }; rawHeaders?: readonly string[] }): AuthorizationHeader {
  const first = request.headers.authorization;
  const raw = request.rawHeaders;
  if (first === undefined || raw === undefined) return first;
  let values: string[] | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 13 && name.toLowerCase() === 'authorization') (values ??= []).push(raw[i + 1] as string);
  }
  return values !== undefined && values.length > 1 ? values : first;
}
