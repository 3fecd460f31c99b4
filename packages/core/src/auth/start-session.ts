import { TesseraError } from '../errors.js';
import { createRefreshSecret, createSessionId, hashSecret } from '../session/refresh-token.js';
import type { UserRecord } from '../store/types.js';
import type { AuthContext, ClientInfo, IssuedTokens } from './context.js';
import { issueTokens } from './issue-tokens.js';
import { verificationClaims } from './mail/email-verification.js';

const USER_AGENT_MAX = 512;

/** Opens a new session for a user who just proved who they are, and issues its first tokens. */
export async function startSession(ctx: AuthContext, user: UserRecord, client: ClientInfo): Promise<IssuedTokens> {
  const now = ctx.now();
  const dpopJkt = sessionKeyFor(ctx, client);
  const id = createSessionId(ctx.randomBytes);
  const secret = createRefreshSecret(ctx.derived.refresh, id, ctx.randomBytes);
  const absoluteExpiresAt = new Date(now + ctx.settings.sessionMaxAgeSeconds * 1000);
  const idleExpiresAt = new Date(Math.min(now + ctx.settings.refreshTtlSeconds * 1000, absoluteExpiresAt.getTime()));
  // Tokens first: a token that cannot be issued (over its size budget) must leave no session behind.
  const tokens = issueTokens(ctx, user, { id, idleExpiresAt, dpopJkt }, secret, await verificationClaims(ctx, user));
  await ctx.stores.sessions.createSession({
    id,
    userId: user.id,
    secretHash: hashSecret(secret),
    createdAt: new Date(now),
    lastUsedAt: new Date(now),
    idleExpiresAt,
    absoluteExpiresAt,
    userAgent: client.userAgent ? client.userAgent.slice(0, USER_AGENT_MAX) : null,
    ip: client.ip ?? null,
    dpopJkt,
  });
  return tokens;
}

/**
 * The key a new session is bound to: the request's verified proof key, unless DPoP is off. Signup and login call it
 * first too, so a request refused for want of a proof creates no account and checks no password.
 */
export function sessionKeyFor(ctx: AuthContext, client: ClientInfo): string | null {
  const mode = ctx.settings.dpop ?? 'optional';
  if (mode === 'off') return null;
  const jkt = client.dpopJkt ?? null;
  // TESSERA_DPOP=required: a session that a copied cookie could carry elsewhere is never started.
  if (jkt === null && mode === 'required') throw new TesseraError('invalid_dpop_proof', 'This server binds every session to a key: send a DPoP proof.', { reason: 'dpop_missing' });
  return jkt;
}
