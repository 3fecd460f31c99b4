import { TesseraError, type ErrorCode } from '@tessera/core';

export const REALM = 'tessera';

function quoted(text: string): string {
  return `"${text.replace(/["\\\r\n]/g, '')}"`;
}

/**
 * The one place an error becomes an HTTP response: status, JSON body and, for Bearer failures, the RFC 6750
 * challenge (for Bearer-protected routes) all come from the error's code. Anything that is not a TesseraError is an internal error whose
 * details (stack, SQL, key material) never leave the process.
 */
export function errorResponse(error: unknown, bearer?: { tokenSent: boolean }): Response {
  const tessera = toTesseraError(error);
  const headers = new Headers({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  if (bearer) headers.set('www-authenticate', bearerChallenge(tessera.code, tessera.message, bearer.tokenSent));
  if (tessera.retryAfter !== undefined) headers.set('retry-after', String(Math.max(1, Math.ceil(tessera.retryAfter))));
  return new Response(JSON.stringify(tessera.toJSON()), { status: tessera.status, headers });
}

/** RFC 6750 §3.1: no error attribute when the request carried no token at all. */
export function bearerChallenge(code: ErrorCode, description: string, tokenSent: boolean): string {
  if (!tokenSent) return `Bearer realm="${REALM}"`;
  // `token_expired` is our finer code; on the wire RFC 6750 only knows invalid_token.
  const rfcCode = code === 'token_expired' ? 'invalid_token' : code;
  return `Bearer realm="${REALM}", error="${rfcCode}", error_description=${quoted(description)}`;
}

export function toTesseraError(error: unknown): TesseraError {
  if (error instanceof TesseraError) return error;
  return new TesseraError('internal_error', undefined, { cause: error });
}
