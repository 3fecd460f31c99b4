// Types only: this module never loads axios itself, so the client keeps no runtime dependency on it.
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { errorCodeOf } from './auth-error.js';
import { internalsOf } from './internals.js';
import type { AuthClient } from './types.js';

/** What this adapter records on a request config. Plain string keys: axios copies them when it merges configs. */
interface TesseraConfig extends InternalAxiosRequestConfig {
  /** The access token this adapter put on the request (undefined: it added none). */
  tesseraToken?: string;
  /** Set on the one retry after a refresh; a retried request is never retried again. */
  tesseraRetried?: boolean;
}

/**
 * Installs Tessera on an axios instance: requests to the client's `apiOrigins` get `Authorization: Bearer`;
 * a 401 `token_expired` leads to one refresh shared by every request that failed or is waiting (and by
 * `client.fetch`), then one retry of each with the new token. A retry that fails again rejects to the caller
 * as it is. Any other 401 to the current token ends the session, as in `client.fetch`. Returns a function
 * that removes the interceptors.
 */
export function attachTessera(instance: AxiosInstance, client: AuthClient): () => void {
  const { authorizer } = internalsOf(client);

  const requestId = instance.interceptors.request.use(async (config: TesseraConfig) => {
    // The retry carries the token the refresh produced; it is already on the config.
    if (config.tesseraRetried) return config;
    if (!authorizer.appliesTo(instance.getUri(config))) return config;
    // A request that brings its own credentials is left alone.
    if (config.tesseraToken === undefined && config.headers.has('Authorization')) return config;
    const token = await authorizer.token();
    if (token === null) return config;
    config.headers.set('Authorization', `Bearer ${token}`);
    config.tesseraToken = token;
    return config;
  });

  const responseId = instance.interceptors.response.use(undefined, async (error: unknown) => {
    const failed = unauthorized(error);
    if (failed === null) throw error;
    const { config, response } = failed;
    const sent = config.tesseraToken;
    if (sent === undefined) throw error;
    const code = errorCode(response.data);
    if (config.tesseraRetried) {
      await authorizer.recover(sent, code, false);
      throw error;
    }
    const next = await authorizer.recover(sent, code, true);
    if (next === null || isStream(config.data)) throw error;
    config.tesseraRetried = true;
    config.tesseraToken = next;
    config.headers.set('Authorization', `Bearer ${next}`);
    return instance.request(config);
  });

  return () => {
    instance.interceptors.request.eject(requestId);
    instance.interceptors.response.eject(responseId);
  };
}

function unauthorized(error: unknown): { config: TesseraConfig; response: AxiosResponse } | null {
  if (typeof error !== 'object' || error === null || (error as { isAxiosError?: unknown }).isAxiosError !== true) return null;
  const { config, response } = error as { config?: TesseraConfig; response?: AxiosResponse };
  return config !== undefined && response !== undefined && response.status === 401 ? { config, response } : null;
}

function errorCode(data: unknown): string | null {
  let body = data;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return null;
    }
  }
  return errorCodeOf(body);
}

/** A body that can be read only once (a web ReadableStream or a Node stream) cannot be sent again. */
function isStream(data: unknown): boolean {
  if (typeof data !== 'object' || data === null) return false;
  return typeof (data as { getReader?: unknown }).getReader === 'function' || typeof (data as { pipe?: unknown }).pipe === 'function';
}
