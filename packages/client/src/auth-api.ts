import { AuthError, isRecord, networkError, readAuthError } from './auth-error.js';
import type { ResolvedOptions } from './options.js';
import type { AuthUser } from './types.js';

export interface CallOptions {
  method?: string;
  json?: unknown;
  headers?: Record<string, string>;
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
export function createAuthApi(options: Pick<ResolvedOptions, 'baseUrl' | 'mode' | 'fetch'>): AuthApi {
  return async (path, call = {}) => {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    const init: RequestInit = { method: call.method ?? 'GET', headers, credentials: options.mode === 'browser' ? 'include' : 'omit' };
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      init.body = JSON.stringify(call.json);
    }
    try {
      return await options.fetch(`${options.baseUrl}${path}`, init);
    } catch (error) {
      throw networkError(error);
    }
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
