import { renderError, type ChallengeContext } from '@tessera/core/http';

/**
 * The one place an error becomes an HTTP response: core's `renderError` (status, JSON body and, for Bearer
 * failures, the RFC 6750 challenge, all from the error's code) as a Web-standard Response.
 */
export function errorResponse(error: unknown, bearer?: ChallengeContext): Response {
  const { status, headers, body } = renderError(error, bearer);
  return new Response(JSON.stringify(body), { status, headers });
}
