import type { TokenBody } from './auth-api.js';
import type { RefreshCredential } from './credentials.js';
import { ListenerSet } from './emitter.js';
import { createRefreshTimer, type RefreshTimer } from './refresh-timer.js';
import { describeToken, SessionState, type AccessToken } from './session-state.js';
import type { TabMessage, TabSync } from './tab-sync.js';
import type { LogoutDetail, RefreshDetail } from './types.js';

export interface SessionEngineOptions {
  credential: RefreshCredential;
  clock: () => number;
  refreshLeewayMs: number;
  /** Opens the tab channel (browser with crossTab), given the handler for incoming messages. */
  openTabs: ((onMessage: (message: TabMessage) => void) => TabSync) | null;
  /** Called when the proactive timer is due. */
  onRefreshDue: () => void;
}

/**
 * Where tokens arrive and sessions end. Every way a token comes in (login, refresh, another tab) and every
 * way a session ends (logout, a refused token, another tab's logout) goes through here, so the credential,
 * the timer, the tabs and the events stay in step.
 */
export class SessionEngine {
  readonly store = new SessionState();
  readonly events = {
    logout: new ListenerSet<LogoutDetail>(),
    refresh: new ListenerSet<RefreshDetail>(),
    error: new ListenerSet<unknown>(),
  };
  private readonly timer: RefreshTimer;
  private readonly tabs: TabSync | null;
  /** Every access token that arrives (this tab's or another's), and null when the session ends. */
  private readonly arrivals = new ListenerSet<string | null>();
  /** Bumped by every login and every end: an answer to a request made before it belongs to a past session. */
  private generation = 0;
  private closed = false;

  constructor(private readonly options: SessionEngineOptions) {
    this.timer = createRefreshTimer({ clock: options.clock, leewayMs: options.refreshLeewayMs, onDue: options.onRefreshDue });
    this.tabs = options.openTabs ? options.openTabs((message) => this.fromOtherTab(message)) : null;
  }

  get epoch(): number {
    return this.generation;
  }

  /**
   * Takes the tokens of a login, signup or refresh answer. A refresh answer is dropped (false) when the session
   * it was asked for has since ended or been replaced — a logout must not be undone by a late refresh.
   */
  async accept(body: TokenBody, kind: 'login' | 'refresh', epoch = this.generation): Promise<boolean> {
    if (kind === 'refresh' && epoch !== this.generation) return false;
    if (kind === 'login') this.generation += 1;
    // Native: the rotated refresh token is stored before anything else, so a resolved refresh means it is kept.
    await this.options.credential.keep(body);
    if (kind === 'refresh' && epoch !== this.generation) return false;
    const token = this.store.setToken(body.accessToken);
    if (body.user !== null) this.store.setUser(body.user);
    this.schedule(token);
    this.arrivals.emit(token.value);
    this.tabs?.publish({ type: 'token', accessToken: token.value, csrfToken: this.options.credential.shareable(), user: this.store.user });
    if (kind === 'refresh') this.events.refresh.emit({ source: 'network', expiresAt: token.expiresAt });
    return true;
  }

  /**
   * Ends the session locally. `broadcast` also ends it in the other tabs (they do not call the server). `error`
   * is the server's code when it refused the session, so every tab can say why the user was signed out.
   */
  async end(reason: LogoutDetail['reason'], broadcast: boolean, error?: string): Promise<void> {
    const hadSession = this.store.hasSession;
    this.generation += 1;
    this.timer.cancel();
    this.store.clear('unauthenticated');
    this.arrivals.emit(null);
    if (broadcast) this.tabs?.publish(error === undefined ? { type: 'logout' } : { type: 'logout', error });
    await this.options.credential.forget();
    if (hadSession) this.events.logout.emit(error === undefined ? { reason } : { reason, error });
  }

  /** Reports a background failure (a refresh that failed for a reason other than an ended session). */
  report(error: unknown): void {
    this.events.error.emit(error);
  }

  currentToken(): AccessToken | null {
    return this.store.accessToken;
  }

  /**
   * Resolves the first access token other than `stale` — the one in hand, or the next to arrive — or null when
   * none arrives within `timeoutMs` or the session ends meanwhile.
   */
  tokenOtherThan(stale: string | null, timeoutMs: number): Promise<string | null> {
    const now = this.store.accessToken?.value ?? null;
    if (now !== null && now !== stale) return Promise.resolve(now);
    return new Promise((resolve) => {
      const done = (value: string | null) => {
        clearTimeout(timer);
        stop();
        resolve(value);
      };
      const timer = setTimeout(() => done(null), timeoutMs);
      (timer as unknown as { unref?: () => void }).unref?.();
      const stop = this.arrivals.add(done);
    });
  }

  close(): void {
    this.closed = true;
    this.timer.cancel();
    this.tabs?.close();
    this.store.changes.clear();
    this.arrivals.clear();
    for (const listeners of Object.values(this.events)) listeners.clear();
  }

  /** A destroyed client keeps answering calls but starts no timers of its own. */
  private schedule(token: AccessToken): void {
    if (!this.closed) this.timer.schedule(token);
  }

  private fromOtherTab(message: TabMessage): void {
    if (message.type === 'logout') {
      // A tab still finding out (unknown) learns the answer; one already logged out has nothing to do.
      if (this.store.hasSession) void this.end('other_tab', false, message.error).catch((error: unknown) => this.report(error));
      else if (this.store.status === 'unknown') this.store.clear('unauthenticated');
      return;
    }
    const current = this.store.accessToken;
    if (current?.value === message.accessToken) return;
    // Another tab logged in or refreshed: its session is the one the shared cookie now belongs to. Only a token
    // of another session (a login there) makes answers to requests sent before it stale; a refresh of the same
    // session does not — dropping this tab's own refresh answer for it would drop the request waiting on it.
    const incoming = describeToken(message.accessToken);
    if (current === null || current.sessionId === null || current.sessionId !== incoming.sessionId) this.generation += 1;
    if (message.csrfToken !== null) this.options.credential.adopt(message.csrfToken);
    const token = this.store.setToken(message.accessToken);
    if (message.user !== null) this.store.setUser(message.user);
    this.schedule(token);
    this.arrivals.emit(token.value);
    this.events.refresh.emit({ source: 'other_tab', expiresAt: token.expiresAt });
  }
}
