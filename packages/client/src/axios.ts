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
 * Installs Tessera on an axios instance: requests to the client's `apiOrigins` get `Authorization: Bearer` (or,
 * for a DPoP-bound session, `Authorization: DPoP` with a proof for each request, retries included);
 * a 401 `token_expired` leads to one refresh shared by every request that failed or is waiting (and by
 * `client.fetch`), then one retry of each with the new token. A retry that fails again rejects to the caller
 * as it is. When that refresh fails, every request waiting on it rejects with the refresh's `AuthError`
 * (`invalid_grant`: the session is over, and the client has ended it). Any other 401 to the current token
 * ends the session, as in `client.fetch`. Returns a function that removes the interceptors.
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
    await present(config, token);
    return config;
  });

  async function present(config: TesseraConfig, token: string): Promise<void> {
    const headers = await authorizer.headers(token, (config.method ?? 'get').toUpperCase(), instance.getUri(config));
    for (const [name, value] of Object.entries(headers)) config.headers.set(name, value);
    config.tesseraToken = token;
  }

  async function onRejected(error: unknown): Promise<AxiosResponse> {
    const failed = unauthorized(error);
    if (failed === null) throw error;
    const { config, response } = failed;
    const learned = observe(response);
    const sent = config.tesseraToken;
    if (sent === undefined) throw error;
    const code = await errorCode(response.data);
    if (config.tesseraRetried) {
      await authorizer.recover(sent, code, false);
      throw error;
    }
    const recovery = await authorizer.recover(sent, code, true, learned);
    // What went wrong is the refresh, not this request: its AuthError tells the caller why (session over,
    // server unreachable), where the request's own 401 token_expired would only say "refresh".
    if (recovery.outcome === 'refresh_failed') throw recovery.error;
    if (recovery.outcome === 'give_up' || isStream(config.data)) throw error;
    config.tesseraRetried = true;
    // A fresh proof too: the server accepts each one once.
    await present(config, recovery.token);
    return instance.request(config);
  }

  /** The server's DPoP nonce and clock, for the proofs that follow; true when either changed. */
  function observe(response: AxiosResponse): boolean {
    const config = response.config as TesseraConfig | undefined;
    if (config?.tesseraToken === undefined) return false;
    const headers = response.headers as { get?: (name: string) => unknown } | undefined;
    const get = (name: string): string | null => {
      const value = typeof headers?.get === 'function' ? headers.get(name) : undefined;
      return typeof value === 'string' ? value : null;
    };
    return authorizer.observe(instance.getUri(config), { get });
  }

  const responseId = instance.interceptors.response.use((response: AxiosResponse) => {
    observe(response);
    return response;
  }, onRejected);

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

/**
 * The contract's `error` code of a 401 body, whatever `responseType` the request asked for: with 'arraybuffer'
 * (a Buffer in Node), 'blob' or 'text' the JSON is still in there, and misreading it as "no code" would end the
 * session over a token that only needed a refresh.
 */
async function errorCode(data: unknown): Promise<string | null> {
  let body = data;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) body = new TextDecoder().decode(body);
  else if (typeof Blob !== 'undefined' && body instanceof Blob) body = await body.text().catch(() => null);
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
