import { peekErrorCode } from './auth-error.js';
import { resolveUrl } from './options.js';
import type { RequestAuthorizer } from './request-authorizer.js';

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/**
 * `client.fetch`: relative URLs resolve against `baseUrl`; requests to `apiOrigins` get `Authorization:
 * Bearer` (or, for a DPoP-bound session, `Authorization: DPoP` and a proof); a 401 `token_expired` leads to one
 * shared refresh and one retry, a 401 `use_dpop_nonce` to one retry with the server's nonce, a 401
 * `invalid_dpop_proof` whose `Date` showed the device's clock moved to one retry on the server's time. The retry's answer goes back to
 * the caller whatever it is — there is no second refresh and no loop. A request that already carries its own
 * Authorization header, or goes to another origin, passes through untouched.
 */
export function createAuthorizedFetch(deps: { fetch: typeof fetch; baseUrl: string; authorizer: RequestAuthorizer }): {
  fetch: FetchLike;
  /** The same, for the auth server's own endpoints: always authorized, whatever `apiOrigins` says. */
  fetchAlways: FetchLike;
} {
  const { authorizer } = deps;

  async function run(input: RequestInfo | URL, init: RequestInit | undefined, always: boolean): Promise<Response> {
    const isRequest = typeof Request !== 'undefined' && input instanceof Request;
    const target: RequestInfo | URL = isRequest ? input : resolveUrl(deps.baseUrl, input instanceof URL ? input.href : String(input));
    const url = isRequest ? (input as Request).url : (target as string);
    if ((!always && !authorizer.appliesTo(url)) || headersOf(target, init).has('authorization')) return deps.fetch(target, init);

    // A body stream can be read once: such a request is never retried (the 401 goes back to the caller).
    const retryable = !(typeof ReadableStream !== 'undefined' && init?.body instanceof ReadableStream);
    const spare = isRequest && retryable ? (input as Request).clone() : null;
    const token = await authorizer.token();
    const method = (init?.method ?? (isRequest ? (input as Request).method : 'GET')).toUpperCase();
    let learned = false;
    const send = async (to: RequestInfo | URL, bearing: string | null): Promise<Response> => {
      if (bearing === null) return deps.fetch(to, init);
      const headers = headersOf(to, init);
      for (const [name, value] of Object.entries(await authorizer.headers(bearing, method, url))) headers.set(name, value);
      const response = await deps.fetch(to, { ...init, headers });
      learned = authorizer.observe(url, response.headers);
      return response;
    };
    const response = await send(target, token);
    if (response.status !== 401 || token === null) return response;

    // fetch answers with responses: a refresh that failed leaves the caller this 401 (and the session ended).
    const recovery = await authorizer.recover(token, await peekErrorCode(response), true, learned);
    if (recovery.outcome !== 'retry' || !retryable) return response;
    await response.body?.cancel().catch(() => undefined);
    const retried = await send(spare ?? target, recovery.token);
    if (retried.status === 401) await authorizer.recover(recovery.token, await peekErrorCode(retried), false);
    return retried;
  }

  return {
    fetch: (input, init) => run(input, init, false),
    fetchAlways: (input, init) => run(input, init, true),
  };
}

/** The headers the request will carry: init's replace the Request's, as in `fetch` itself. */
function headersOf(target: RequestInfo | URL, init: RequestInit | undefined): Headers {
  if (init?.headers !== undefined) return new Headers(init.headers);
  return new Headers(typeof Request !== 'undefined' && target instanceof Request ? target.headers : undefined);
}
