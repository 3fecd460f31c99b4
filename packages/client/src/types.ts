import type { DpopKeyStore } from './dpop/key-store.js';
import type { PasskeyCalls } from './passkeys.js';
import type { TwoFactorConfirmation, TwoFactorEnrollment, TwoFactorStatus, WireSession, WireUser } from '@tessera/wire';
/** Where a native app keeps its refresh token (AsyncStorage, SecureStore, Keychain…). Sync or async. */
export interface TokenStorage {
  get(key: string): string | null | Promise<string | null>;
  set(key: string, value: string): void | Promise<void>;
  remove(key: string): void | Promise<void>;
}

export type AuthStatus = 'unknown' | 'authenticated' | 'unauthenticated';

/** A user as the server returns it (`@tessera/wire`'s WireUser). */
export type AuthUser = WireUser;

/** `status` is `'authenticated'` only together with a `user`; the object is replaced, never mutated. */
export interface AuthState {
  status: AuthStatus;
  user: AuthUser | null;
}

/** One of the user's sessions (`@tessera/wire`'s WireSession). */
export type AuthSession = WireSession;

export interface AuthClientOptions {
  /** The auth server, e.g. `'http://localhost:3000'`; `''` = the page's own origin. */
  baseUrl: string;
  /** Default: `'browser'` when `globalThis.document` exists, else `'native'`. */
  mode?: 'browser' | 'native';
  /** Default: `globalThis.fetch` (bound). */
  fetch?: typeof fetch;
  /** Native mode: where the refresh token lives (key `tessera.refreshToken`). Default: in memory only. */
  storage?: TokenStorage;
  /** Milliseconds since the epoch. Default: `Date.now`. */
  clock?: () => number;
  /** Refresh this long before `exp` (capped at half the token's lifetime). Default 30. */
  refreshLeewaySeconds?: number;
  /** Browser: coordinate refreshes and logouts across tabs. Default: true when `BroadcastChannel` exists. */
  crossTab?: boolean;
  /** Origins `client.fetch` sends the access token to. Default: the origin of `baseUrl`. */
  apiOrigins?: string[];
  /**
   * Device-bound sessions (DPoP): where the key that signs proofs lives. Browser default: a non-extractable key in
   * IndexedDB (`indexedDbDpopKeys`), when IndexedDB and WebCrypto are there. Native default: none (Bearer
   * sessions); pass a store whose key lasts as long as `storage` keeps the refresh token. `false`: Bearer only.
   */
  dpop?: false | { keys: DpopKeyStore };
}

/** Why the client left the authenticated state; the detail of the `'logout'` event. */
export interface LogoutDetail {
  /** `user`: logout()/logoutAll(); `session_ended`: the server refused the session; `other_tab`: another tab logged out. */
  reason: 'user' | 'session_ended' | 'other_tab';
  /**
   * When the server ended it (here or in the tab that found out): the error code it answered — `invalid_token`
   * (the session was revoked: log out everywhere, a revoked session, a password change), `invalid_grant` (the
   * refresh token is revoked, expired or reused) or `csrf_failed`. Absent for a logout the user asked for.
   */
  error?: string;
}

/** The detail of the `'refresh'` event: a new access token is in place (never the token itself). */
export interface RefreshDetail {
  /** `network`: this client refreshed; `other_tab`: another tab did and shared the result. */
  source: 'network' | 'other_tab';
  /** The token's `exp`, in milliseconds, or null when it has none. */
  expiresAt: number | null;
}

export type AuthClientEvent = 'logout' | 'refresh' | 'error';

export interface AuthClient {
  signup(input: { email: string; password: string; name?: string }): Promise<AuthUser>;
  login(input: { email: string; password: string }): Promise<AuthUser>;
  /** Revokes the session on the server, clears local state and tells other tabs. */
  logout(): Promise<void>;
  logoutAll(): Promise<void>;
  /** Single flight: concurrent calls share one request. Resolves the new access token. */
  refresh(): Promise<string>;
  /** On app start: refresh (cookie or stored token), then `/auth/me`. Never rejects for "not logged in". */
  restore(): Promise<AuthState>;
  me(): Promise<AuthUser>;
  sessions(): Promise<AuthSession[]>;
  revokeSession(id: string): Promise<void>;
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<void>;
  /** Passkeys (WebAuthn): register, sign in (usernameless or email-first), list, remove. */
  passkeys: PasskeyCalls;
  /**
   * The second factor (TOTP and recovery codes). `login` of an account that has one rejects with an AuthError
   * whose code is `two_factor_required` and whose `twoFactor.challenge` goes to `verify` with a code.
   */
  twoFactor: TwoFactorApi;
  /** `token` is the `#token=` of the mailed link. Resolves once the email is verified; `invalid_link` otherwise. */
  verifyEmail(token: string): Promise<void>;
  /** Whether the signed-in user's email is verified (`GET /auth/me`); null while the server has verification off. */
  emailVerified(): Promise<boolean | null>;
  /** Mails a new verification link to the signed-in user; `false` when the email was already verified. */
  resendVerification(): Promise<boolean>;
  /** Asks for a reset link; resolves the same whether or not the email has an account. */
  requestPasswordReset(email: string): Promise<void>;
  /** Sets the new password with the link's token; every session of the user (this one too) ends. */
  completePasswordReset(input: { token: string; newPassword: string }): Promise<void>;
  /** Changes the signed-in user's email (the password is required); the new address must be verified again. */
  changeEmail(input: { newEmail: string; password: string }): Promise<AuthUser>;
  /**
   * `fetch` that adds `Authorization: Bearer` for `apiOrigins` (for a DPoP-bound session: `Authorization: DPoP`
   * and a proof) and refreshes once on `token_expired`.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /**
   * The raw access token. A DPoP-bound token is useless alone: send it with `requestHeaders`, which adds the proof
   * every request needs.
   */
  getAccessToken(): string | null;
  /** `'DPoP'` when the session is bound to this device's key, `'Bearer'` when not, null without a token. */
  getTokenType(): 'Bearer' | 'DPoP' | null;
  /**
   * The headers that authorize one request with the current token, for HTTP clients other than `fetch` and axios:
   * `{Authorization}`, plus `DPoP` (a proof for exactly this method and URL, good once) for a bound session. Null
   * without a token. Does not refresh: call it right before sending.
   */
  requestHeaders(method: string, url: string): Promise<Record<string, string> | null>;
  getState(): AuthState;
  /** Fires on every change of `getState()`. */
  subscribe(listener: (state: AuthState) => void): () => void;
  on(event: AuthClientEvent, listener: (detail: unknown) => void): () => void;
  /** Stops timers, closes tab channels and drops listeners. */
  destroy(): void;
}

/** `client.twoFactor`: enrol, confirm and remove a TOTP second factor, renew its recovery codes, and finish a login that needs one. */
export interface TwoFactorApi {
  status(): Promise<TwoFactorStatus>;
  /** Starts an enrolment: show `otpauthUri` as a QR code; it is on only after `confirm`. */
  enroll(): Promise<TwoFactorEnrollment>;
  /** Turns it on with the app's first code; resolves the ten recovery codes, shown this once. */
  confirm(input: { code: string }): Promise<TwoFactorConfirmation>;
  /** Turns it off with exactly one of a fresh code, a recovery code or the password. */
  disable(input: { code: string } | { recoveryCode: string } | { password: string }): Promise<void>;
  /**
   * Replaces every recovery code with ten new ones (resolved, shown this once); the old ones stop working. Needs
   * the same proof as `disable`.
   */
  regenerateRecoveryCodes(input: { code: string } | { recoveryCode: string } | { password: string }): Promise<TwoFactorConfirmation>;
  /** The second step of a login: signs in like `login` does. */
  verify(input: { challenge: string; code: string } | { challenge: string; recoveryCode: string }): Promise<AuthUser>;
}
