import { AuthError, isRecord, networkError, peekErrorCode, readAuthError } from './auth-error.js';
import type { ResolvedOptions } from './options.js';
import type { AuthUser } from './types.js';

export interface CallOptions {
  method?: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** Signs the request's DPoP proof (method, absolute URL); a request answered `use_dpop_nonce` is signed again once. */
  proof?: ((method: string, url: string) => Promise<string | null>) | undefined;
}

/** The body of login, signup and refresh answers. */
export interface TokenBody {
  accessToken: string;
  csrfToken: string | null;
  refreshToken: string | null;
  user: AuthUser | null;
}

export type AuthApi = (path: string, options?: CallOptions) => Promise<Response>;

/**
 * Calls one endpoint of the auth server. Browser mode sends credentials (the refresh cookie rides along to
 * `/auth`); native mode never relies on cookies. A request that gets no answer rejects with `network_error`.
 */
export function createAuthApi(
  options: Pick<ResolvedOptions, 'baseUrl' | 'mode' | 'fetch'> & { observe?: (url: string, headers: Headers) => boolean },
): AuthApi {
  return async (path, call = {}) => {
    const url = `${options.baseUrl}${path}`;
    const method = call.method ?? 'GET';
    let learned = false;
    async function send(): Promise<Response> {
      const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
      const init: RequestInit = { method, headers, credentials: options.mode === 'browser' ? 'include' : 'omit' };
      if (call.json !== undefined) {
        headers['content-type'] = 'application/json';
        init.body = JSON.stringify(call.json);
      }
      const proof = call.proof === undefined ? null : await call.proof(method, url);
      if (proof !== null) headers.dpop = proof;
      let response: Response;
      try {
        response = await options.fetch(url, init);
      } catch (error) {
        throw networkError(error);
      }
      learned = options.observe?.(url, response.headers) ?? false;
      return response;
    }
    const response = await send();
    // The proof was refused for what this answer taught: the server's nonce (RFC 9449 §8, use_dpop_nonce) or its
    // clock (an iat the device's wrong clock put out of range). One new proof carries them; no loop.
    if (call.proof !== undefined && learned && (response.status === 400 || response.status === 401)) {
      const code = await peekErrorCode(response);
      if (code === 'use_dpop_nonce' || code === 'invalid_dpop_proof') {
        await response.body?.cancel().catch(() => undefined);
        return send();
      }
    }
    return response;
  };
}

/** Throws the server's error for a non-2xx answer; otherwise returns the parsed body (null for a 204). */
export async function expectOk(response: Response): Promise<unknown> {
  if (!response.ok) throw await readAuthError(response);
  if (response.status === 204) return null;
  try {
    return await response.json();
  } catch (error) {
    throw new AuthError('invalid_response', response.status, 'The server sent a body that is not JSON.', { cause: error });
  }
}

export function readTokenBody(body: unknown): TokenBody {
  if (!isRecord(body) || typeof body.accessToken !== 'string') {
    throw new AuthError('invalid_response', 200, 'The server answered without an access token.');
  }
  return {
    accessToken: body.accessToken,
    csrfToken: typeof body.csrfToken === 'string' ? body.csrfToken : null,
    refreshToken: typeof body.refreshToken === 'string' ? body.refreshToken : null,
    user: body.user === undefined ? null : readUser(body.user),
  };
}

export function readUser(value: unknown): AuthUser {
  if (!isRecord(value) || typeof value.id !== 'string' || typeof value.email !== 'string') {
    throw new AuthError('invalid_response', 200, 'The server answered without a valid user.');
  }
  return {
    id: value.id,
    email: value.email,
    name: typeof value.name === 'string' ? value.name : null,
    createdAt: typeof value.createdAt === 'string' ? value.createdAt : String(value.createdAt ?? ''),
  };
}
