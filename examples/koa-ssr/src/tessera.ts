import { createCookieSessions, type CookieSessions } from '@tessera/guard/cookie-session';
import { createApp, loadConfig, openRuntime, type Runtime } from '@tessera/server';

export interface InProcessTessera {
  runtime: Runtime;
  sessions: CookieSessions;
  /** Tessera's HTTP API without a socket: `fetch('http://any/auth/signup', …)`. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Tessera in the same process as the pages: its fetch handler is called directly (no socket), and access tokens
 * are verified by the server's own verifier, whose deny list makes a logout or revocation count at once.
 * Configuration is Tessera's usual environment (TESSERA_*), read once here; a mistake stops the start.
 */
export async function openTessera(env: Record<string, string | undefined>): Promise<InProcessTessera> {
  // Only this process reaches the handler, and it passes each browser's address on: believe that one hop.
  const config = loadConfig({ TESSERA_TRUST_PROXY: '1', ...env });
  const runtime = await openRuntime(config);
  const api = createApp({ auth: runtime.auth, keys: runtime.keys, config });
  const fetchApi = async (url: string, init?: RequestInit) => api.fetch(new Request(url, init));
  const sessions = createCookieSessions({
    authUrl: config.issuer,
    fetch: fetchApi,
    verify: runtime.auth.verifyAccessToken,
    secret: runtime.secret,
    secure: config.production,
  });
  return { runtime, sessions, fetch: fetchApi, close: () => runtime.close() };
}
