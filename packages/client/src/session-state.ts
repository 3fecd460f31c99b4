import { decodeClaims, tokenTimes } from './decode-claims.js';
import { ListenerSet } from './emitter.js';
import type { AuthState, AuthStatus, AuthUser } from './types.js';

/** The access token and what its (unverified) claims say about its life, in milliseconds. */
export interface AccessToken {
  value: string;
  expiresAt: number | null;
  lifetimeMs: number | null;
  sessionId: string | null;
  /** The thumbprint of the key the token is bound to (`cnf.jkt`, DPoP), or null for a Bearer token. */
  jkt: string | null;
}

export function describeToken(value: string): AccessToken {
  const { exp, iat, sid } = tokenTimes(value);
  return {
    value,
    expiresAt: exp === null ? null : exp * 1000,
    lifetimeMs: exp === null || iat === null ? null : Math.max(0, (exp - iat) * 1000),
    sessionId: sid,
    jkt: boundKeyOf(value),
  };
}

/** The `cnf.jkt` of a token: a DPoP-bound token is sent as `Authorization: DPoP` with a proof by that key. */
export function boundKeyOf(token: string): string | null {
  const cnf = decodeClaims(token)?.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as Record<string, unknown>).jkt : undefined;
  return typeof jkt === 'string' && jkt !== '' ? jkt : null;
}

/**
 * The client's memory: the access token (browser mode keeps it nowhere else) and the public state. The state
 * object is replaced only when status or user change, so `getState()` is a stable snapshot for React's
 * `useSyncExternalStore`.
 */
export class SessionState {
  private state: AuthState = Object.freeze({ status: 'unknown', user: null });
  private token: AccessToken | null = null;
  readonly changes = new ListenerSet<AuthState>();

  getState(): AuthState {
    return this.state;
  }

  get status(): AuthStatus {
    return this.state.status;
  }

  get user(): AuthUser | null {
    return this.state.user;
  }

  get accessToken(): AccessToken | null {
    return this.token;
  }

  /** Whether there is anything to lose: a token in hand or an authenticated state. */
  get hasSession(): boolean {
    return this.token !== null || this.state.status === 'authenticated';
  }

  setToken(value: string): AccessToken {
    this.token = describeToken(value);
    return this.token;
  }

  /** A known user means an authenticated session; `authenticated` never comes without a user. */
  setUser(user: AuthUser): void {
    this.setState({ status: 'authenticated', user });
  }

  /** Drops the token and the user. */
  clear(status: 'unauthenticated' | 'unknown' = 'unauthenticated'): void {
    this.token = null;
    this.setState({ status, user: null });
  }

  private setState(next: AuthState): void {
    const current = this.state;
    if (current.status === next.status && sameUser(current.user, next.user)) return;
    this.state = Object.freeze({ status: next.status, user: next.user === null ? null : Object.freeze({ ...next.user }) });
    this.changes.emit(this.state);
  }
}

function sameUser(a: AuthUser | null, b: AuthUser | null): boolean {
  if (a === null || b === null) return a === b;
  return a.id === b.id && a.email === b.email && a.name === b.name && a.createdAt === b.createdAt;
}
