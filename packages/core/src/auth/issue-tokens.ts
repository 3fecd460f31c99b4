import { TesseraError } from '../errors.js';
import { csrfTokenFor } from '../session/csrf.js';
import { formatRefreshToken } from '../session/refresh-token.js';
import { createJti } from '../token/jti.js';
import { signAccessToken } from '../token/sign.js';
import type { AccessTokenClaims } from '../token/types.js';
import type { SessionRecord, UserRecord } from '../store/types.js';
import type { AuthContext, IssuedTokens } from './context.js';

const REGISTERED_CLAIMS = new Set(['iss', 'aud', 'sub', 'sid', 'jti', 'iat', 'exp', 'nbf', 'roles', 'cnf']);

/**
 * An access token travels in a header on every request: past about 1 KB it starts costing every call, and with
 * cookies it meets proxies' header limits (a 431 nobody can debug). Roles and hook-added claims are the only
 * parts that grow, so a token over budget is refused where it is made, naming what to cut.
 */
export const ACCESS_TOKEN_MAX_BYTES = 1024;

/** `accountClaims`: the core's own extensions of the claim list (`email_verified`), read by the caller. */
export function createAccessToken(
  ctx: AuthContext,
  user: UserRecord,
  sessionId: string,
  accountClaims: Record<string, unknown> = {},
  dpopJkt: string | null = null,
): string {
  const iat = Math.floor(ctx.now() / 1000);
  const extra = { ...(ctx.claimsHook?.(user) ?? {}), ...accountClaims };
  const claims: AccessTokenClaims = {
    iss: ctx.settings.issuer,
    aud: ctx.settings.audience[0] as string,
    sub: user.id,
    sid: sessionId,
    jti: createJti(ctx.randomBytes),
    iat,
    exp: iat + ctx.settings.accessTtlSeconds,
    roles: [...user.roles],
  };
  // RFC 9449 §6.1: the token of a bound session names its key, so a copy is refused without a proof by that key.
  if (dpopJkt !== null && ctx.settings.dpop !== 'off') claims.cnf = { jkt: dpopJkt };
  // A claims hook adds; it can never rewrite who the token is for, how long it lives, or which session it is.
  for (const [name, value] of Object.entries(extra)) if (!REGISTERED_CLAIMS.has(name)) claims[name] = value;
  const token = signAccessToken(ctx.keys.signingKey(), claims);
  if (token.length > ACCESS_TOKEN_MAX_BYTES) {
    throw new TesseraError(
      'internal_error',
      `This account's access token would be ${token.length} bytes, over the ${ACCESS_TOKEN_MAX_BYTES}-byte budget: it has too many roles (${claims.roles.length}) or claims; an administrator must reduce them.`,
    );
  }
  return token;
}

export function issueTokens(
  ctx: AuthContext,
  user: UserRecord,
  session: Pick<SessionRecord, 'id' | 'idleExpiresAt' | 'dpopJkt'>,
  secret: Uint8Array,
  accountClaims: Record<string, unknown> = {},
): IssuedTokens {
  const bound = session.dpopJkt !== null && ctx.settings.dpop !== 'off';
  return {
    accessToken: createAccessToken(ctx, user, session.id, accountClaims, session.dpopJkt),
    expiresIn: ctx.settings.accessTtlSeconds,
    refreshToken: formatRefreshToken(session.id, secret),
    refreshExpiresIn: Math.max(0, Math.floor((session.idleExpiresAt.getTime() - ctx.now()) / 1000)),
    csrfToken: csrfTokenFor(ctx.derived.csrf, session.id),
    sessionId: session.id,
    tokenType: bound ? 'DPoP' : 'Bearer',
  };
}
