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

/**
 * The RFC 9449 §7.1 `WWW-Authenticate: DPoP` challenge of a DPoP-protected resource: the accepted algorithms, and
 * the error when a token or proof was sent (`invalid_dpop_proof`, `use_dpop_nonce`, `invalid_token`).
 */
export function dpopChallenge(code: ErrorCode, description: string, algs: readonly string[]): string {
  const base = algs.length === 0 ? `DPoP realm="${REALM}"` : `DPoP realm="${REALM}", algs="${algs.join(' ')}"`;
  const rfcCode = code === 'token_expired' ? 'invalid_token' : code;
  return `${base}, error="${rfcCode}", error_description=${quoted(description)}`;
}
