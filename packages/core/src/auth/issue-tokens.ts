import { csrfTokenFor } from '../session/csrf.js';
import { formatRefreshToken } from '../session/refresh-token.js';
import { createJti } from '../token/jti.js';
import { signAccessToken } from '../token/sign.js';
import type { AccessTokenClaims } from '../token/types.js';
import type { SessionRecord, UserRecord } from '../store/types.js';
import type { AuthContext, IssuedTokens } from './context.js';

const REGISTERED_CLAIMS = new Set(['iss', 'aud', 'sub', 'sid', 'jti', 'iat', 'exp', 'nbf', 'roles']);

export function createAccessToken(ctx: AuthContext, user: UserRecord, sessionId: string): string {
  const iat = Math.floor(ctx.now() / 1000);
  const extra = ctx.claimsHook?.(user) ?? {};
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
  // A claims hook adds; it can never rewrite who the token is for, how long it lives, or which session it is.
  for (const [name, value] of Object.entries(extra)) if (!REGISTERED_CLAIMS.has(name)) claims[name] = value;
  return signAccessToken(ctx.keys.signingKey(), claims);
}

export function issueTokens(ctx: AuthContext, user: UserRecord, session: Pick<SessionRecord, 'id' | 'idleExpiresAt'>, secret: Uint8Array): IssuedTokens {
  return {
    accessToken: createAccessToken(ctx, user, session.id),
    expiresIn: ctx.settings.accessTtlSeconds,
    refreshToken: formatRefreshToken(session.id, secret),
    refreshExpiresIn: Math.max(0, Math.floor((session.idleExpiresAt.getTime() - ctx.now()) / 1000)),
    csrfToken: csrfTokenFor(ctx.derived.csrf, session.id),
    sessionId: session.id,
  };
}
