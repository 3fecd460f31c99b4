import type { WireSession } from '@tessera/wire';
import { TesseraError } from '../errors.js';
import { isSessionIdShape } from '../session/refresh-token.js';
import type { AccessTokenClaims } from '../token/types.js';
import type { AuthContext, ClientInfo } from './context.js';
import { emitEvent } from './events.js';
import { revokeOneSession } from './revoke.js';

/** A session as `GET /auth/sessions` lists it: the wire contract's shape. */
export type SessionView = WireSession;

/** The caller's live sessions, newest first; `current` marks the one the access token belongs to. */
export function listSessions(ctx: AuthContext, claims: AccessTokenClaims): Promise<SessionView[]> {
  return sessionsOf(ctx, claims.sub, claims.sid);
}

/** A user's live sessions, newest first, as an operator sees them (the CLI): none is `current`. */
export async function sessionsOf(ctx: AuthContext, userId: string, currentSessionId: string | null = null): Promise<SessionView[]> {
  const sessions = await ctx.stores.sessions.listUserSessions(userId, new Date(ctx.now()));
  return sessions.map((session) => ({
    id: session.id,
    current: session.id === currentSessionId,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    userAgent: session.userAgent,
    ip: session.ip,
    // With DPoP off the stored key is ignored and the tokens are bearer tokens, whatever the session started as.
    deviceBound: session.dpopJkt !== null && ctx.settings.dpop !== 'off',
  }));
}

/**
 * Revokes one of the caller's sessions. Somebody else's session answers exactly like a missing one (404), so
 * the endpoint cannot be used to probe which session ids exist.
 */
export async function deleteSession(ctx: AuthContext, claims: AccessTokenClaims, sessionId: string, client: ClientInfo = {}): Promise<void> {
  // The id comes from the URL path, percent-decoded: `%00` would reach the store as a NUL, which PostgreSQL
  // refuses with an error (a 500). An id we could never have issued is simply not found.
  const session = isSessionIdShape(sessionId) ? await ctx.stores.sessions.findSession(sessionId) : null;
  if (!session || session.userId !== claims.sub || session.revokedAt !== null) {
    throw new TesseraError('not_found', 'There is no such session.');
  }
  if (await revokeOneSession(ctx, sessionId, 'deleted')) {
    emitEvent(ctx, client, { type: 'session_revoked', userId: claims.sub, sessionId, reason: 'deleted' });
  }
}
