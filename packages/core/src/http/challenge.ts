import type { ErrorCode } from '../errors.js';

export const REALM = 'tessera';

function quoted(text: string): string {
  return `"${text.replace(/["\\\r\n]/g, '')}"`;
}

/** The RFC 6750 `WWW-Authenticate` challenge; §3.1: no error attribute when the request carried no token at all. */
export function bearerChallenge(code: ErrorCode, description: string, tokenSent: boolean): string {
  if (!tokenSent) return `Bearer realm="${REALM}"`;
  // `token_expired` is our finer code; on the wire RFC 6750 only knows invalid_token.
  const rfcCode = code === 'token_expired' ? 'invalid_token' : code;
  return `Bearer realm="${REALM}", error="${rfcCode}", error_description=${quoted(description)}`;
}
