import { renderError } from '@tessera/core';

// The challenge and the error rendering live in @tessera/core, so the guard answers exactly as the server does.
export { REALM, bearerChallenge, toTesseraError } from '@tessera/core';

/**
 * The one place an error becomes an HTTP response: core's `renderError` (status, JSON body and, for Bearer
 * failures, the RFC 6750 challenge, all from the error's code) as a Web-standard Response.
 */
export function errorResponse(error: unknown, bearer?: { tokenSent: boolean }): Response {
  const { status, headers, body } = renderError(error, bearer);
  return new Response(JSON.stringify(body), { status, headers });
}
