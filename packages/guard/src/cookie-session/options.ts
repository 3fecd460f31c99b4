import { deriveKeys, parseSecret } from '@tessera/core/secrets';
import type { AccessTokenClaims } from '@tessera/core/token';
import type { AuthFetch } from './auth-api.js';
import type { SameSite } from './cookies.js';

export interface CookieSessionOptions {
  /** The auth server's base URL (`https://auth.example.com`); with an in-process `fetch`, any URL, e.g. `http://tessera.internal`. */
  authUrl: string | URL;
  /** How to reach it. Default `globalThis.fetch`; `(url, init) => app.fetch(new Request(url, init))` mounts the server in-process. */
  fetch?: AuthFetch;
  /**
   * Verifies the access token from the cookie, with revocation: `(token) => guard.verify(token)` (a guard with
   * the Redis revocation feed), or in one process the server's own `runtime.auth.verifyAccessToken`.
   */
  verify: (token: string) => AccessTokenClaims | Promise<AccessTokenClaims>;
  /**
   * The auth server's TESSERA_SECRET. Only its CSRF key is derived and kept: it checks that a form's `_csrf`
   * is the session's own `csrfToken`, exactly as the server checks `X-CSRF-Token`.
   */
  secret: string | Uint8Array;
  /** `Lax` (default: links from other sites arrive logged in) or `Strict`. */
  sameSite?: SameSite;
  /** `true`: cookies are always `Secure` (and `__Host-`). Otherwise they are over HTTPS and whenever NODE_ENV=production. */
  secure?: boolean;
  /** Origins besides the page's own whose unsafe requests are accepted (exact `scheme://host[:port]`). */
  allowedOrigins?: readonly string[];
  /** Renew when the access token has less than this left (capped at half its lifetime). Default 60. */
  renewWithinSeconds?: number;
  /** Where `requireSession` sends a browser without a session (`?next=` is added). Default `/login`. */
  loginPath?: string;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

export interface ResolvedCookieSessionOptions {
  authUrl: string;
  fetch: AuthFetch;
  verify: (token: string) => AccessTokenClaims | Promise<AccessTokenClaims>;
  csrfKey: Buffer;
  sameSite: SameSite;
  alwaysSecure: boolean;
  allowedOrigins: ReadonlySet<string>;
  renewWithinSeconds: number;
  loginPath: string;
  now: () => number;
}

function fail(sentence: string): never {
  throw new TypeError(`createCookieSessions: ${sentence}`);
}

function csrfKeyFrom(secret: unknown): Buffer {
  try {
    if (typeof secret === 'string') return deriveKeys(parseSecret(secret)).csrf;
    if (secret instanceof Uint8Array) return deriveKeys(secret).csrf;
  } catch (error) {
    fail(`"secret" is not usable: ${(error as Error).message}.`);
  }
  return fail('"secret" is required: the auth server\'s TESSERA_SECRET (64 hex characters from "npx tessera secret").');
}

function origin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    fail(`"allowedOrigins" contains ${JSON.stringify(value)}, which is not an origin such as https://app.example.com.`);
  }
  if (url.origin !== value) fail(`"allowedOrigins" contains ${JSON.stringify(value)}; write the exact origin ${JSON.stringify(url.origin)}.`);
  return value;
}

/** Every option is checked here, once; a mistake throws a `TypeError` naming it, never a failure per request. */
export function resolveCookieSessionOptions(options: CookieSessionOptions, env: Record<string, string | undefined> = process.env): ResolvedCookieSessionOptions {
  if (typeof options !== 'object' || options === null) fail('options are required: { authUrl, verify, secret }.');
  let authUrl: URL;
  try {
    authUrl = new URL(options.authUrl);
  } catch {
    fail('"authUrl" must be the auth server\'s base URL, such as https://auth.example.com.');
  }
  if (authUrl.protocol !== 'https:' && authUrl.protocol !== 'http:') fail('"authUrl" must be an http(s) URL.');
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') fail('"fetch" must be a function like globalThis.fetch.');
  if (typeof options.verify !== 'function') fail('"verify" is required: (token) => guard.verify(token), or runtime.auth.verifyAccessToken in one process.');
  const sameSite = options.sameSite ?? 'Lax';
  if (sameSite !== 'Lax' && sameSite !== 'Strict') fail('"sameSite" must be "Lax" or "Strict"; pages need cookies on top-level navigations, so never "None".');
  if (options.secure !== undefined && typeof options.secure !== 'boolean') fail('"secure" must be true or false.');
  const renewWithinSeconds = options.renewWithinSeconds ?? 60;
  if (typeof renewWithinSeconds !== 'number' || !Number.isFinite(renewWithinSeconds) || renewWithinSeconds < 0) fail('"renewWithinSeconds" must be a number of seconds ≥ 0.');
  const loginPath = options.loginPath ?? '/login';
  // A path on this site only: an absolute or protocol-relative URL here would make the redirect an open redirect.
  if (typeof loginPath !== 'string' || !loginPath.startsWith('/') || loginPath.startsWith('//') || loginPath.includes('\\')) {
    fail('"loginPath" must be a path on this site, such as /login.');
  }
  const allowed = options.allowedOrigins ?? [];
  if (!Array.isArray(allowed)) fail('"allowedOrigins" must be a list of origins.');
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') fail('"now" must be a function returning milliseconds since the epoch.');
  return {
    authUrl: authUrl.href.replace(/\/+$/, ''),
    fetch: fetchImpl,
    verify: options.verify,
    csrfKey: csrfKeyFrom(options.secret),
    sameSite,
    // Production is always Secure (the contract's cookie rule); `secure: false` cannot weaken that.
    alwaysSecure: options.secure === true || env.NODE_ENV === 'production',
    allowedOrigins: new Set(allowed.map(origin)),
    renewWithinSeconds,
    loginPath,
    now,
  };
}
