import { expectOk, type AuthApi } from './auth-api.js';
import { AuthError } from './auth-error.js';
import type { RefreshCredential } from './credentials.js';

/** First retry of an owed logout after this long, doubling up to `MAX_RETRY_MS`. */
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 60_000;

export interface PendingLogout {
  /** The logout just failed to reach the server: keep it (before the credential is forgotten) and retry it. */
  owe(): Promise<void>;
  /**
   * Sends the owed logout, if there is one; resolves once none is owed (sent, or the session was already gone),
   * rejects with why it still could not be sent. One request at a time, whoever asks.
   */
  settle(): Promise<void>;
  close(): void;
}

/**
 * Whether a logout failed on the way rather than being refused: no answer, a server error, rate limiting. Only
 * then can sending it again help. (A refusal such as `csrf_failed` would be refused again — forever, blocking
 * every later restore and login — and `invalid_grant` / `invalid_token` mean the session is already gone.)
 */
export function logoutMayBeRetried(error: unknown): boolean {
  if (!(error instanceof AuthError)) return false;
  return error.code === 'network_error' || error.status === 429 || error.status >= 500;
}

/**
 * A logout that did not reach the server (offline, server down) leaves the session alive there: on a shared
 * computer the next visitor's reload would sign the account back in. So the logout is owed until it lands: kept
 * by the credential (every tab and every later page load see it), retried on a timer while this client lives,
 * and settled by `restore()` and `login()` before they touch the session.
 */
export function createPendingLogout(deps: { api: AuthApi; credential: RefreshCredential }): PendingLogout {
  const { api, credential } = deps;
  let flight: Promise<void> | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let delay = FIRST_RETRY_MS;
  let closed = false;

  function scheduleRetry(): void {
    if (closed) return;
    clearTimeout(retry);
    retry = setTimeout(() => {
      retry = undefined;
      settle().catch(() => undefined);
    }, delay);
    (retry as unknown as { unref?: () => void }).unref?.();
    delay = Math.min(delay * 2, MAX_RETRY_MS);
  }

  async function send(): Promise<void> {
    const request = await credential.pendingLogoutRequest();
    if (request === null) return;
    try {
      await expectOk(await api('/auth/logout', request));
    } catch (error) {
      if (logoutMayBeRetried(error)) {
        scheduleRetry();
        throw error;
      }
      // Refused for good: the server has heard it; sending it again would change nothing.
    }
    clearTimeout(retry);
    delay = FIRST_RETRY_MS;
    await credential.settlePendingLogout();
  }

  function settle(): Promise<void> {
    if (flight === null) {
      const started = send();
      flight = started;
      const clear = () => {
        if (flight === started) flight = null;
      };
      started.then(clear, clear);
    }
    return flight;
  }

  return {
    async owe() {
      await credential.owePendingLogout();
      scheduleRetry();
    },
    settle,
    close() {
      closed = true;
      clearTimeout(retry);
    },
  };
}
