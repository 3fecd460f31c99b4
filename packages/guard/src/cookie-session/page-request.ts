import type { ErrorParts } from '@tessera/core/http';
import type { AccessTokenClaims } from '@tessera/core/token';

/** What cookie mode reads from a request; each framework adapter fills it in and nothing more. */
export interface PageRequest {
  method: string;
  /** The page's own origin as the app sees it, `scheme://host[:port]` (behind a proxy: as the framework's proxy setting decides). */
  ownOrigin: string;
  /** Path and query, for the `?next=` of the login redirect. */
  path: string;
  /** Served over HTTPS (per the framework's proxy setting). */
  secure: boolean;
  cookie: string | undefined;
  origin: string | undefined;
  accept: string | undefined;
  userAgent: string | undefined;
  /** The browser's address (per the framework's proxy setting), passed on to the auth server for its rate limits. */
  ip: string | undefined;
  /** The `X-CSRF-Token` header, else the parsed form's `_csrf` field; anything but a string fails the check. */
  csrfToken: unknown;
}

/** A signed-in visitor: the verified claims, and the session's CSRF token for the forms of the page. */
export interface PageSession {
  claims: AccessTokenClaims;
  csrfToken: string;
}

/** An answer cookie mode sends itself: a JSON error (`ErrorParts`), an HTML page or a redirect. */
export interface PageResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** `Set-Cookie` values the adapter appends to the response, whatever it is. */
export type PageOutcome =
  | { ok: true; session: PageSession | null; setCookies: string[] }
  | { ok: false; response: PageResponse; setCookies: string[] };

export type LogInOutcome = { ok: true; session: PageSession; setCookies: string[] } | { ok: false; error: ErrorParts; setCookies: string[] };

export type LogOutOutcome = { ok: true; setCookies: string[] } | { ok: false; response: PageResponse; setCookies: string[] };

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafe(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** A browser asking for a page (a navigation or a form post) rather than a script asking for JSON. */
export function wantsHtml(request: PageRequest): boolean {
  return (request.accept ?? '').includes('text/html');
}
