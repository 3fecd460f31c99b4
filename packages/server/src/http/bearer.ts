import { TesseraError } from '@tessera/core';

export const MAX_TOKEN_LENGTH = 8192;

/** RFC 6750 §2.1 b64token. */
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i;

export type BearerResult = { kind: 'none' } | { kind: 'token'; token: string };

/**
 * Reads `Authorization: Bearer <token>`. No header, or another scheme (Basic), is "no token" — a 401 without an
 * error code. A malformed Bearer header (the scheme alone, two tokens, two headers folded by a proxy into one
 * comma list, stray spaces) is a 400, so a sloppy client learns what is wrong instead of retrying forever.
 */
export function readBearer(header: string | null | undefined): BearerResult {
  if (header === null || header === undefined || header === '') return { kind: 'none' };
  if (!/^bearer(\s|$)/i.test(header)) return { kind: 'none' };
  const match = BEARER.exec(header);
  if (!match) throw new TesseraError('invalid_request', 'The Authorization header must be exactly "Bearer <token>".');
  const token = match[1] as string;
  if (token.length > MAX_TOKEN_LENGTH) throw new TesseraError('invalid_token', `The access token is longer than ${MAX_TOKEN_LENGTH} characters.`);
  return { kind: 'token', token };
}
