import { originOf } from './options.js';
import type { Refresher } from './refresher.js';
import type { SessionEngine } from './session-engine.js';

/**
 * The token policy every HTTP integration shares (`client.fetch`, the axios adapter): which URLs get the
 * token, which token to send, and what a 401 means. Adapters only translate their library's shapes to it.
 */
export interface RequestAuthorizer {
  /** Whether the URL's origin is one of `apiOrigins`. The token never goes anywhere else. */
  appliesTo(url: string): boolean;
  /** The token to send; with none yet while the state is still `unknown`, a refresh is tried first. */
  token(): Promise<string | null>;
  /**
   * After a 401 to a request sent with `sent`: resolves the token to retry with, or null for "do not retry".
   * `token_expired` refreshes (one flight for everybody) when `mayRefresh`; any other 401 to the current
   * token means the session is gone — the client ends it and tells the other tabs.
   */
  recover(sent: string | null, errorCode: string | null, mayRefresh: boolean): Promise<string | null>;
}

export function createRequestAuthorizer(deps: { session: SessionEngine; refresher: Refresher; apiOrigins: ReadonlySet<string> }): RequestAuthorizer {
  const { session, refresher, apiOrigins } = deps;
  return {
    appliesTo(url) {
      const origin = originOf(url);
      // Token exfiltration: a bearer token sent to any origin but ours would let that origin act as the user.
      return origin !== null && apiOrigins.has(origin);
    },

    async token() {
      const current = session.currentToken()?.value ?? null;
      if (current !== null || session.store.status !== 'unknown') return current;
      try {
        return await refresher.refresh();
      } catch {
        return null;
      }
    },

    async recover(sent, errorCode, mayRefresh) {
      if (sent === null) return null;
      if (errorCode === 'token_expired') {
        if (!mayRefresh) return null;
        try {
          return await refresher.refreshAfter(sent);
        } catch {
          return null;
        }
      }
      // Only the token in hand can end the session: a late 401 for a token replaced since (a refresh, a new
      // login) says nothing about the current one.
      if (session.currentToken()?.value === sent) await session.end('session_ended', true, errorCode ?? undefined);
      return null;
    },
  };
}
