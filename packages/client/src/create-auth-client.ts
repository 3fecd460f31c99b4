import { createPasskeyCalls } from './passkeys.js';
import type { TwoFactorConfirmation, TwoFactorEnrollment, TwoFactorStatus } from '@tessera/wire';
import { createAuthApi, expectOk, readTokenBody, readUser } from './auth-api.js';
import { AuthError, endsSession, isRecord, networkError } from './auth-error.js';
import { createAuthorizedFetch } from './authorized-fetch.js';
import { browserCredential, nativeCredential } from './credentials.js';
import { createProofSigner, type ProofSigner } from './dpop/proof-signer.js';
import { registerInternals } from './internals.js';
import { resolveOptions, resolveUrl } from './options.js';
import { createPendingLogout, logoutMayBeRetried } from './pending-logout.js';
import { createRefresher } from './refresher.js';
import { createRequestAuthorizer } from './request-authorizer.js';
import { createServerClock } from './server-clock.js';
import { SessionEngine } from './session-engine.js';
import { boundKeyOf } from './session-state.js';
import { createTabLock } from './tab-lock.js';
import { openTabSync } from './tab-sync.js';
import type { AuthClient, AuthClientOptions, AuthClientEvent, AuthSession, AuthState, AuthUser } from './types.js';

/**
 * Creates the client. Options are checked here, once. Browser mode keeps the access token in memory only and
 * lets the httpOnly cookie carry the refresh token; native mode keeps the refresh token in `storage`.
 */
export function createAuthClient(options: AuthClientOptions): AuthClient {
  const config = resolveOptions(options);
  const serverClock = createServerClock(config.clock, config.baseUrl);
  const signer: ProofSigner | null = config.dpopKeys === null ? null : createProofSigner({ store: config.dpopKeys, clock: serverClock.now });
  /** What every answer tells later requests: the server's clock, and its DPoP nonce. True when either changed. */
  const observe = (url: string, headers: { get(name: string): string | null }): boolean => {
    const clockMoved = serverClock.observe(url, headers);
    const nonceChanged = signer?.observe(url, headers) ?? false;
    return clockMoved || nonceChanged;
  };
  const api = createAuthApi({ ...config, observe });
  const credential = config.mode === 'browser' ? browserCredential() : nativeCredential(config.storage);
  const session = new SessionEngine({
    credential,
    // Token expiry is the server's time: a device clock minutes off must neither refresh early nor late.
    clock: serverClock.now,
    refreshLeewayMs: config.refreshLeewayMs,
    openTabs: config.crossTab ? (onMessage) => openTabSync(onMessage) : null,
    onRefreshDue: () => {
      // Failures are already handled: an ended session is ended, anything else is an 'error' event.
      refresher.refresh().catch(() => undefined);
    },
  });
  const lock = createTabLock({ crossTab: config.crossTab, now: config.clock });
  const refresher = createRefresher({ session, api, credential, lock, signer });
  const authorizer = createRequestAuthorizer({ session, refresher, apiOrigins: config.apiOrigins, signer, observe });
  const http = createAuthorizedFetch({ fetch: config.fetch, baseUrl: config.baseUrl, authorizer });
  const pendingLogout = createPendingLogout({ api, credential });
  const { store } = session;
  let restoring: Promise<AuthState> | null = null;

  /** A Bearer call to the auth server, with the same refresh-and-retry-once as client.fetch. */
  async function authed(path: string, init: RequestInit = {}): Promise<unknown> {
    let response: Response;
    try {
      response = await http.fetchAlways(`${config.baseUrl}${path}`, {
        ...init,
        headers: { accept: 'application/json', ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
        credentials: config.mode === 'browser' ? 'include' : 'omit',
      });
    } catch (error) {
      throw networkError(error);
    }
    return expectOk(response);
  }

  async function establish(path: string, fields: Record<string, unknown>): Promise<AuthUser> {
    // The new session's cookie would replace the old one, and with it the last way to end that session.
    await pendingLogout.settle();
    // Every new session gets a new key (two accounts used on one device are not linked by it). It is saved only
    // once the server bound the session to it: a failed login must not replace the key a live session needs.
    const key = signer === null ? null : await signer.create();
    const proof = key === null ? undefined : (method: string, url: string) => signer!.sign(key, { method, url });
    const response = await api(path, { method: 'POST', json: { ...fields, ...credential.loginFields }, proof });
    const body = readTokenBody(await expectOk(response));
    if (body.user === null) throw new AuthError('invalid_response', response.status, 'The server answered without a user.');
    // A server with DPoP off answers with a Bearer session: then there is nothing to keep. A store that refuses the
    // key (storage full) does not undo the login: the session works until this page closes, and the app hears why.
    if (key !== null && boundKeyOf(body.accessToken) === key.jkt) await signer!.keep(key).catch((error: unknown) => session.report(error));
    await session.accept(body, 'login');
    return body.user;
  }

  /** The session is over by the user's wish: its key goes too (the next session makes its own). */
  async function endByUser(): Promise<void> {
    await session.end('user', true);
    await signer?.forget();
  }

  async function me(): Promise<AuthUser> {
    const body = await authed('/auth/me');
    const user = readUser(isRecord(body) ? body.user : undefined);
    if (session.currentToken() !== null) store.setUser(user);
    return user;
  }

  async function restore(): Promise<AuthState> {
    try {
      await pendingLogout.settle();
    } catch (error) {
      // The user logged out and the server has not heard of it yet: the session must not come back meanwhile.
      session.report(error);
      if (store.status !== 'unauthenticated') store.clear('unauthenticated');
      return store.getState();
    }
    try {
      // A token already here (another tab shared one) only needs its user; me() refreshes it if it expired.
      if (session.currentToken() === null) await refresher.refresh();
      await me();
    } catch (error) {
      // "Not logged in" is an answer, not a failure: no cookie, no stored token, a dead or refused session.
      if (!endsSession(error)) throw error;
      if (store.status !== 'unauthenticated') store.clear('unauthenticated');
    }
    return store.getState();
  }

  const client: AuthClient = {
    signup: ({ email, password, name }) => establish('/auth/signup', name === undefined ? { email, password } : { email, password, name }),
    login: ({ email, password }) => establish('/auth/login', { email, password }),

    async logout() {
      const token = session.currentToken()?.value ?? null;
      let failure: unknown = null;
      try {
        const authorization = token === null ? {} : await authorizer.headers(token, 'POST', `${config.baseUrl}/auth/logout`);
        await expectOk(await api('/auth/logout', await credential.logoutRequest(authorization)));
      } catch (error) {
        failure = error;
      }
      // Unreachable (or a server error): the server still holds the session, so the logout is owed — kept
      // before the credential is forgotten, and sent again later.
      if (failure !== null && logoutMayBeRetried(failure)) await pendingLogout.owe();
      // Local state goes whatever the server said: the user asked to be logged out of this device.
      await endByUser();
      // An already dead session is what logout wants. Anything else (unreachable, csrf_failed) means the
      // server may still hold the session, which the caller must hear about.
      if (failure !== null && !(failure instanceof AuthError && (failure.code === 'invalid_grant' || failure.code === 'invalid_token'))) throw failure;
    },

    async logoutAll() {
      await authed('/auth/logout-all', { method: 'POST' });
      await endByUser();
    },

    refresh: () => refresher.refresh(),

    restore() {
      if (store.status === 'authenticated') return Promise.resolve(store.getState());
      if (restoring === null) {
        const started = restore();
        restoring = started;
        const clear = () => {
          if (restoring === started) restoring = null;
        };
        started.then(clear, clear);
      }
      return restoring;
    },

    me,

    async sessions() {
      const body = await authed('/auth/sessions');
      const list = isRecord(body) && Array.isArray(body.sessions) ? body.sessions : null;
      if (list === null) throw new AuthError('invalid_response', 200, 'The server answered without a session list.');
      return list as AuthSession[];
    },

    async revokeSession(id) {
      await authed(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
      // Revoking the session this client runs on is a logout.
      if (session.currentToken()?.sessionId === id) await endByUser();
    },

    async changePassword({ currentPassword, newPassword }) {
      await authed('/auth/password', { method: 'POST', body: JSON.stringify({ currentPassword, newPassword }) });
    },

    async verifyEmail(token) {
      await expectOk(await api('/auth/verify-email', { method: 'POST', json: { token } }));
    },

    async emailVerified() {
      const body = await authed('/auth/me');
      return isRecord(body) && typeof body.emailVerified === 'boolean' ? body.emailVerified : null;
    },

    async resendVerification() {
      const body = await authed('/auth/verify-email/resend', { method: 'POST', body: '{}' });
      return isRecord(body) && body.sent === true;
    },

    async requestPasswordReset(email) {
      await expectOk(await api('/auth/password-reset', { method: 'POST', json: { email } }));
    },

    async completePasswordReset({ token, newPassword }) {
      await expectOk(await api('/auth/password-reset/complete', { method: 'POST', json: { token, newPassword } }));
    },

    async changeEmail({ newEmail, password }) {
      const body = await authed('/auth/email', { method: 'POST', body: JSON.stringify({ newEmail, password }) });
      const user = readUser(isRecord(body) ? body.user : undefined);
      if (session.currentToken() !== null) store.setUser(user);
      return user;
    },

    twoFactor: {
      status: async () => (await authed('/auth/two-factor')) as TwoFactorStatus,
      enroll: async () => (await authed('/auth/two-factor/enroll', { method: 'POST', body: '{}' })) as TwoFactorEnrollment,
      confirm: async ({ code }) => (await authed('/auth/two-factor/confirm', { method: 'POST', body: JSON.stringify({ code }) })) as TwoFactorConfirmation,
      async disable(input) {
        await authed('/auth/two-factor/disable', { method: 'POST', body: JSON.stringify(input) });
      },
      regenerateRecoveryCodes: async (input) =>
        (await authed('/auth/two-factor/recovery-codes', { method: 'POST', body: JSON.stringify(input) })) as TwoFactorConfirmation,
      verify: (input) => establish('/auth/two-factor/verify', { ...input }),
    },

    // Passkeys: the browser's ceremony is passed in, so the client stays free of WebAuthn code.
    passkeys: createPasskeyCalls({
      authed,
      post: async (path, json) => expectOk(await api(path, { method: 'POST', json })),
      establish,
    }),

    fetch: http.fetch,
    getAccessToken: () => session.currentToken()?.value ?? null,
    getTokenType() {
      const token = session.currentToken();
      return token === null ? null : token.jkt === null ? 'Bearer' : 'DPoP';
    },
    async requestHeaders(method, url) {
      const token = session.currentToken()?.value ?? null;
      return token === null ? null : authorizer.headers(token, method, resolveUrl(config.baseUrl, url));
    },
    getState: () => store.getState(),
    subscribe: (listener) => store.changes.add(listener),

    on(event: AuthClientEvent, listener: (detail: unknown) => void) {
      if (!Object.prototype.hasOwnProperty.call(session.events, event)) {
        throw new TypeError(`Unknown event "${String(event)}"; use 'logout', 'refresh' or 'error'.`);
      }
      return session.events[event].add(listener);
    },

    destroy() {
      session.close();
      lock.close();
      pendingLogout.close();
    },
  };
  registerInternals(client, { authorizer });
  return client;
}
