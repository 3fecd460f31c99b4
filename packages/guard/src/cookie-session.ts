// Cookie sessions for server-rendered apps: the framework-free core that `@tessera/guard/koa` and
// `@tessera/guard/express` translate (cookieSession, requireSession, logIn, logOut).
export { createCookieSessions, type CookieSessions } from './cookie-session/create-cookie-sessions.js';
export type { CookieSessionOptions } from './cookie-session/options.js';
export type { AuthFetch } from './cookie-session/auth-api.js';
export { ACCESS_COOKIE, PAGE_REFRESH_COOKIE, type SameSite } from './cookie-session/cookies.js';
export type { PageRequest, PageSession, PageResponse, PageOutcome, LogInOutcome, LogOutOutcome } from './cookie-session/page-request.js';
export { safeNextPath } from './cookie-session/responses.js';
