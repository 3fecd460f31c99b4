import { expectOk, readTokenBody, type AuthApi } from './auth-api.js';
import { AuthError } from './auth-error.js';
import type { TabLock } from './broadcast-lock.js';
import type { RefreshCredential } from './credentials.js';
import { decodeClaims } from './decode-claims.js';
import type { ProofSigner } from './dpop/proof-signer.js';
import type { SessionEngine } from './session-engine.js';

/** How long a tab that finds another tab's "replaced" note waits for the token that tab shared. */
const SHARED_TOKEN_WAIT_MS = 3_000;

export interface Refresher {
  /** Single flight: every caller while a refresh runs shares it. Resolves the new access token. */
  refresh(): Promise<string>;
  /**
   * For a request that failed with `stale`: when a newer token is already here (another request or tab
   * refreshed meanwhile) it is used as is, otherwise this joins or starts the one refresh.
   */
  refreshAfter(stale: string | null): Promise<string>;
}

export function createRefresher(deps: {
  session: SessionEngine;
  api: AuthApi;
  credential: RefreshCredential;
  lock: TabLock;
  signer: ProofSigner | null;
}): Refresher {
  const { session, api, credential, lock, signer } = deps;
  let flight: Promise<string> | null = null;

  function refresh(): Promise<string> {
    if (flight !== null) return flight;
    const before = session.currentToken()?.value ?? null;
    // The notes other tabs hold as this one asks for the lock (read first, so a refresh finished while it waits
    // shows up as a new note).
    const seen = lock.notes();
    const started = lock.run(() => perform(before, seen));
    flight = started;
    const clear = () => {
      if (flight === started) flight = null;
    };
    started.then(clear, clear);
    return started;
  }

  async function perform(before: string | null, seen: Promise<ReadonlySet<string> | null>): Promise<string> {
    // Another tab refreshed while this one waited for the lock: its token is as good as a new one, and
    // refreshing again would only rotate the cookie under it.
    const now = session.currentToken()?.value ?? null;
    if (now !== null && now !== before) return now;
    // The lock may come before the message carrying that token; the previous holder's note says one is on its way.
    const replaced = before === null ? null : tokenId(before);
    if (await refreshedElsewhere(replaced, seen)) {
      const shared = await session.tokenOtherThan(before, SHARED_TOKEN_WAIT_MS);
      if (shared !== null) return shared;
    }
    const epoch = session.epoch;
    try {
      const request = await credential.refreshRequest();
      if (request === null) throw new AuthError('invalid_grant', 401, 'There is no refresh token; log in again.');
      // A bound session refreshes only with a proof by its key (the saved one after a reload, when no token is here
      // to name it); the server ignores a proof sent for a Bearer session.
      const key = signer === null ? null : await signer.keyFor(session.currentToken()?.jkt);
      const proof = key === null ? undefined : (method: string, url: string) => signer!.sign(key, { method, url });
      const body = readTokenBody(await expectOk(await api('/auth/refresh', { ...request, proof })));
      if (!(await session.accept(body, 'refresh', epoch))) {
        throw new AuthError('session_changed', 0, 'The session ended or changed while it was being refreshed.');
      }
      // Still holding the lock: tell the next holder that `before` is done with (the new token is on its way).
      // With no token before (a restore), the note only says that a refresh happened, under a name no token has.
      const fresh = tokenId(body.accessToken);
      const note = replaced ?? (fresh === null ? null : `new.${fresh}`);
      if (note !== null) await lock.noteReplaced(note);
      return body.accessToken;
    } catch (error) {
      await settleFailure(error, epoch);
      throw error;
    }
  }

  /** A note naming the token in hand, or one that appeared while this tab waited for the lock. */
  async function refreshedElsewhere(replaced: string | null, seen: Promise<ReadonlySet<string> | null>): Promise<boolean> {
    const [before, now] = await Promise.all([seen, lock.notes()]);
    if (before === null || now === null) return false;
    if (replaced !== null && now.has(replaced)) return true;
    return [...now].some((id) => !before.has(id));
  }

  /** A refused refresh ends the session; anything else (network, 5xx, 429) leaves it and is reported. */
  async function settleFailure(error: unknown, epoch: number): Promise<void> {
    if (!(error instanceof AuthError)) return session.report(error);
    if (error.code === 'session_changed' || epoch !== session.epoch) return;
    // invalid_grant: the refresh token is unknown, expired, revoked or reused, so every tab's session is gone
    // (the cookie is shared). csrf_failed: only this tab lacks the right CSRF token; the others may be fine.
    if (error.code === 'invalid_grant') return session.end('session_ended', session.store.hasSession, error.code);
    if (error.code === 'csrf_failed') return session.end('session_ended', false, error.code);
    session.report(error);
  }

  return {
    refresh,
    refreshAfter(stale) {
      const current = session.currentToken()?.value ?? null;
      return current !== null && current !== stale ? Promise.resolve(current) : refresh();
    },
  };
}

/** The `jti` of a token, which names it without revealing it. */
function tokenId(token: string): string | null {
  const jti = decodeClaims(token)?.jti;
  return typeof jti === 'string' && jti !== '' ? jti : null;
}
