import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { DerivedKeys } from '../secrets.js';
import { RevokedSessions } from '../session/revoked-sessions.js';
import type { Stores } from '../store/types.js';
import { createAccessTokenVerifier } from '../token/verify.js';
import type { AccessTokenClaims, SigningKey, VerificationKey } from '../token/types.js';
import { changePassword, currentUser } from './account.js';
import type { AuthContext, AuthSettings, ClaimsHook, ClientInfo, RevocationListener } from './context.js';
import { login, type LoginInput } from './login.js';
import { logoutAll, logoutWithAccessToken, logoutWithRefreshToken } from './logout.js';
import { checkRefreshCsrf, refresh } from './refresh.js';
import { deleteSession, listSessions } from './sessions.js';
import { signup, type SignupInput } from './signup.js';

export interface CreateAuthOptions {
  stores: Stores;
  keys: { signingKey(): SigningKey; resolve(kid: string): VerificationKey | undefined };
  derived: DerivedKeys;
  settings: AuthSettings;
  now?: () => number;
  randomBytes?: (size: number) => Uint8Array;
  claimsHook?: ClaimsHook;
  onRevoke?: RevocationListener;
  /** Verified-token cache entries (0 turns the cache off). */
  verifyCacheSize?: number;
}

export type Auth = ReturnType<typeof bindAuth>;

/**
 * Validates the settings once, loads the recent revocations into the deny set, and returns the operations bound
 * to one context. The HTTP server, the CLI and tests all go through this.
 */
export async function createAuth(options: CreateAuthOptions): Promise<Auth> {
  const now = options.now ?? Date.now;
  const { settings } = options;
  if (settings.audience.length === 0) throw new RangeError('at least one audience is required');
  const revoked = new RevokedSessions({ accessTtlSeconds: settings.accessTtlSeconds, clockToleranceSeconds: settings.clockToleranceSeconds, now });
  await revoked.load(options.stores.sessions);
  const verifyAccessToken = createAccessTokenVerifier({
    issuer: settings.issuer,
    audience: [...settings.audience],
    resolveKey: (kid) => options.keys.resolve(kid),
    clockToleranceSeconds: settings.clockToleranceSeconds,
    now,
    isSessionRevoked: (sid) => revoked.has(sid),
    ...(options.verifyCacheSize === undefined ? {} : { cacheSize: options.verifyCacheSize }),
  });
  const ctx: AuthContext = {
    stores: options.stores,
    keys: options.keys,
    derived: options.derived,
    settings,
    revoked,
    verifyAccessToken,
    now,
    randomBytes: options.randomBytes ?? cryptoRandomBytes,
    claimsHook: options.claimsHook,
    onRevoke: options.onRevoke,
  };
  return bindAuth(ctx);
}

function bindAuth(ctx: AuthContext) {
  return {
    context: ctx,
    verifyAccessToken: ctx.verifyAccessToken,
    signup: (input: SignupInput, client: ClientInfo) => signup(ctx, input, client),
    login: (input: LoginInput, client: ClientInfo) => login(ctx, input, client),
    refresh: (token: string) => refresh(ctx, token),
    checkRefreshCsrf: (token: string, csrfToken: string | null | undefined) => checkRefreshCsrf(ctx, token, csrfToken),
    logoutWithRefreshToken: (token: string) => logoutWithRefreshToken(ctx, token),
    logoutWithAccessToken: (claims: AccessTokenClaims) => logoutWithAccessToken(ctx, claims),
    logoutAll: (claims: AccessTokenClaims) => logoutAll(ctx, claims),
    currentUser: (claims: AccessTokenClaims) => currentUser(ctx, claims),
    listSessions: (claims: AccessTokenClaims) => listSessions(ctx, claims),
    deleteSession: (claims: AccessTokenClaims, sessionId: string) => deleteSession(ctx, claims, sessionId),
    changePassword: (claims: AccessTokenClaims, currentPassword: string, newPassword: string) =>
      changePassword(ctx, claims, currentPassword, newPassword),
    /** Marks sessions revoked elsewhere (another instance, the CLI) in this process's deny set. */
    markRevoked: (sessionIds: readonly string[], revokedAt: number) => {
      for (const id of sessionIds) ctx.revoked.add(id, revokedAt);
    },
  };
}
