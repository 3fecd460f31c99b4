import { AuthError } from './auth-error.js';
import { originOf } from './options.js';
import type { ProofSigner } from './dpop/proof-signer.js';
import type { Refresher } from './refresher.js';
import type { SessionEngine } from './session-engine.js';
import { boundKeyOf } from './session-state.js';

/** What a 401 leads to: a retry with `token`, nothing, or — when a refresh was needed and failed — its error. */
export type Recovery =
  | { outcome: 'retry'; token: string }
  | { outcome: 'give_up' }
  /** `error` is why: `invalid_grant` (the session is over), `network_error`, `rate_limited`, … */
  | { outcome: 'refresh_failed'; error: unknown };

const GIVE_UP: Recovery = { outcome: 'give_up' };

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
   * The headers that present `token` on one request (names as written on the wire): `Authorization: Bearer`, or for a DPoP-bound token
   * `Authorization: DPoP` and a `DPoP` proof made for exactly this method and URL (a new one for every request,
   * retries too: the server accepts each proof once).
   */
  headers(token: string, method: string, url: string): Promise<Record<string, string>>;
  /** Reads what a response tells later requests (the server's clock and DPoP nonce); true when either changed. */
  observe(url: string, headers: { get(name: string): string | null }): boolean;
  /**
   * After a 401 to a request sent with `sent`: what to do next. `token_expired` refreshes (one flight for
   * everybody) when `mayRefresh`; any other 401 to the current token means the session is gone — the client
   * ends it and tells the other tabs. `use_dpop_nonce` retries once with the server's new nonce;
   * `invalid_dpop_proof` retries once when the answer `learned` something (its `Date` showed the device's clock
   * moved, so the proof's `iat` was off), and otherwise leaves the session alone (the next refresh finds out
   * whether the key still holds).
   */
  recover(sent: string | null, errorCode: string | null, mayRefresh: boolean, learned?: boolean): Promise<Recovery>;
}

export function createRequestAuthorizer(deps: {
  session: SessionEngine;
  refresher: Refresher;
  apiOrigins: ReadonlySet<string>;
  signer: ProofSigner | null;
  observe: RequestAuthorizer['observe'];
}): RequestAuthorizer {
  const { session, refresher, apiOrigins, signer } = deps;
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

    async headers(token, method, url): Promise<Record<string, string>> {
      const current = session.currentToken();
      const jkt = current?.value === token ? current.jkt : boundKeyOf(token);
      if (jkt === null) return { Authorization: `Bearer ${token}` };
      const key = signer === null ? null : await signer.keyFor(jkt);
      // Without the key the server refuses the token anyway (invalid_dpop_proof); sent as Bearer it would be too.
      if (key === null || signer === null) return { Authorization: `DPoP ${token}` };
      return { Authorization: `DPoP ${token}`, DPoP: await signer.sign(key, { method, url, accessToken: token }) };
    },

    observe: deps.observe,

    async recover(sent, errorCode, mayRefresh, learned = false) {
      if (sent === null) return GIVE_UP;
      if (errorCode === 'use_dpop_nonce') return mayRefresh ? { outcome: 'retry', token: sent } : GIVE_UP;
      if (errorCode === 'invalid_dpop_proof') return mayRefresh && learned ? { outcome: 'retry', token: sent } : GIVE_UP;
      if (errorCode === 'token_expired') {
        if (!mayRefresh) return GIVE_UP;
        // The session ended after this request left (a refused refresh, a logout, another tab's logout). A
        // refresh would be refused as well, and every late answer would ask for one again.
        if (session.currentToken() === null && session.store.status === 'unauthenticated') {
          return { outcome: 'refresh_failed', error: new AuthError('invalid_grant', 401, 'The session has ended; log in again.') };
        }
        try {
          return { outcome: 'retry', token: await refresher.refreshAfter(sent) };
        } catch (error) {
          return { outcome: 'refresh_failed', error };
        }
      }
      // Only the token in hand can end the session: a late 401 for a token replaced since (a refresh, a new
      // login) says nothing about the current one.
      if (session.currentToken()?.value === sent) await session.end('session_ended', true, errorCode ?? undefined);
      return GIVE_UP;
    },
  };
}
