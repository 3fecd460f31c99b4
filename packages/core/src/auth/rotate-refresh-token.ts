import { TesseraError } from '../errors.js';
import { isValidCsrfToken } from '../session/csrf.js';
import { hashSecret, isAuthenticSecret, parseRefreshToken, sameHash, successorSecret, type ParsedRefreshToken } from '../session/refresh-token.js';
import { currentSecretFor, rotationsToKeep } from '../session/rotation-history.js';
import type { SessionRecord, UserRecord } from '../store/types.js';
import type { AuthContext, ClientInfo, IssuedTokens } from './context.js';
import { emitEvent } from './events.js';
import { verificationClaims } from './mail/email-verification.js';
import { issueTokens } from './issue-tokens.js';
import { hitLimit } from './limit-checks.js';
import { revokeOneSession } from './revoke.js';

const NONCE_BYTES = 32;

function invalidGrant(message: string): TesseraError {
  return new TesseraError('invalid_grant', message);
}

/** Parses a refresh token and proves we issued it for its session; anything else is one `invalid_grant`. */
export function readRefreshToken(ctx: AuthContext, token: string): ParsedRefreshToken {
  const parsed = parseRefreshToken(token);
  // Stops a forged or mangled token (or an access token sent as a refresh token) before any lookup.
  if (!parsed || !isAuthenticSecret(ctx.derived.refresh, parsed.sessionId, parsed.secret)) {
    throw invalidGrant('The refresh token is not valid.');
  }
  return parsed;
}

/**
 * A request that relies on the refresh cookie must prove it was made by our own pages: the CSRF token is bound
 * to the session, which a cross-site form cannot read. Checked before anything changes.
 */
export function checkRefreshCsrf(ctx: AuthContext, token: string, csrfToken: string | null | undefined): void {
  const parsed = parseRefreshToken(token);
  if (!parsed || !isValidCsrfToken(ctx.derived.csrf, parsed.sessionId, csrfToken)) {
    throw new TesseraError('csrf_failed', 'The X-CSRF-Token header is missing or does not match this session.');
  }
}

function isLive(ctx: AuthContext, session: SessionRecord): boolean {
  const now = ctx.now();
  return session.revokedAt === null && session.idleExpiresAt.getTime() > now && session.absoluteExpiresAt.getTime() > now;
}

/**
 * Exchanges a refresh token for a new access token and the token's successor.
 *
 * - The current token rotates: one atomic compare-and-swap, so of any number of racing requests exactly one
 *   rotates.
 * - Any token of the session superseded less than the grace window ago — not only the latest: a client without
 *   a refresh lock races with tokens of several generations — gets a fresh access token and the session's
 *   CURRENT secret, re-derived through the recent rotations. Nothing rotates and nothing is revoked, so however
 *   many such requests race, the session keeps exactly one lineage and nobody is logged out by a race.
 * - Any other token we really issued for this session is a rotated-away token: somebody kept a copy. That is
 *   reuse, and the whole session is revoked with its access tokens.
 */
export async function refresh(ctx: AuthContext, token: string, client: ClientInfo = {}): Promise<IssuedTokens> {
  await hitLimit(ctx, 'refresh', client);
  let parsed: ParsedRefreshToken;
  try {
    parsed = readRefreshToken(ctx, token);
  } catch (error) {
    // Every failed credential check leaves a trace: a string we never issued is a guess or a forgery.
    emitEvent(ctx, client, { type: 'refresh_failed', sessionId: null, userId: null, reason: 'invalid_token' });
    throw error;
  }
  const { sessionId, secret } = parsed;
  let session = await ctx.stores.sessions.findSession(sessionId);
  if (!session || !isLive(ctx, session)) throw sessionEnded(ctx, client, sessionId, session);
  // Loaded before anything changes: if the user store is down, the request fails with the token un-rotated,
  // so the client's retry is not mistaken for reuse (sessions and users may live in different stores).
  const user = await ctx.stores.users.findUserById(session.userId);
  if (!user) {
    emitEvent(ctx, client, { type: 'refresh_failed', sessionId, userId: session.userId, reason: 'account_deleted' });
    throw invalidGrant('The account no longer exists.');
  }
  // Stops a session of a disabled account from living on. Disabling revokes every session, but a login that
  // raced the disable may have opened one after; it ends here, revoked with its access tokens.
  if (user.disabledAt !== null) {
    await revokeOneSession(ctx, sessionId, 'account_disabled');
    emitEvent(ctx, client, { type: 'refresh_failed', sessionId, userId: user.id, reason: 'account_disabled' });
    throw invalidGrant('The account has been disabled.');
  }
  await checkSessionKey(ctx, client, session);

  if (sameHash(hashSecret(secret), session.secretHash)) {
    const rotation = await rotate(ctx, session, user, secret);
    if (rotation) {
      emitEvent(ctx, client, { type: 'refresh', userId: session.userId, sessionId, grace: false });
      return rotation;
    }
    // Lost the race to a concurrent refresh: the token has just been superseded; answer as a grace refresh.
    session = await ctx.stores.sessions.findSession(sessionId);
    if (!session || !isLive(ctx, session)) throw sessionEnded(ctx, client, sessionId, session);
  }

  // Stops replay of a stolen old token: only a token superseded inside the window, whose chain of recent
  // rotations leads to the current secret, is answered; everything else we issued is reuse.
  const current = currentSecretFor(ctx.derived.refresh, session, secret, graceStart(ctx));
  if (current) {
    await ctx.stores.sessions.touchSession(sessionId, new Date(ctx.now()));
    emitEvent(ctx, client, { type: 'refresh', userId: session.userId, sessionId, grace: true });
    return issueTokens(ctx, user, session, current, await verificationClaims(ctx, user));
  }

  await revokeOneSession(ctx, sessionId, 'reuse_detected');
  emitEvent(ctx, client, { type: 'reuse_detected', userId: session.userId, sessionId, sessionRevoked: true });
  throw invalidGrant('The refresh token was already used; the session has been revoked.');
}

/**
 * Refresh token theft (malware, a synced backup, a leaked log): a session bound to a key refreshes only with a
 * proof signed by that key. A refresh without it comes from somewhere the key is not, so the token was copied:
 * the session is revoked with its access tokens (the rightful device logs in again) and the theft audited.
 */
async function checkSessionKey(ctx: AuthContext, client: ClientInfo, session: SessionRecord): Promise<void> {
  const mode = ctx.settings.dpop ?? 'optional';
  if (mode === 'off') return;
  if (session.dpopJkt === null) {
    // TESSERA_DPOP=required: a bearer session from before the switch ends here instead of living on unbound.
    if (mode === 'required') throw invalidGrant('This session is not bound to a key; log in again.');
    return;
  }
  const jkt = client.dpopJkt ?? null;
  if (jkt !== null && sameHash(jkt, session.dpopJkt)) return;
  await revokeOneSession(ctx, session.id, 'dpop_key_mismatch');
  emitEvent(ctx, client, { type: 'stolen_token_detected', userId: session.userId, sessionId: session.id, proof: jkt === null ? 'missing' : 'other_key', sessionRevoked: true });
  throw invalidGrant('The refresh token is bound to another device; the session has been revoked.');
}

/** A token superseded after this instant (milliseconds) is inside the grace window. */
function graceStart(ctx: AuthContext): number {
  return ctx.now() - ctx.settings.refreshGraceSeconds * 1000;
}

async function rotate(ctx: AuthContext, session: SessionRecord, user: UserRecord, secret: Buffer): Promise<IssuedTokens | null> {
  const now = ctx.now();
  const nonce = Buffer.from(ctx.randomBytes(NONCE_BYTES));
  const successor = successorSecret(ctx.derived.refresh, session.id, secret, nonce);
  const idleExpiresAt = new Date(Math.min(now + ctx.settings.refreshTtlSeconds * 1000, session.absoluteExpiresAt.getTime()));
  // Tokens first: one that cannot be issued (over its size budget) must fail the request before the refresh token
  // rotates, or the client would be left holding a superseded token and, after the grace window, be taken for a thief.
  const tokens = issueTokens(ctx, user, { id: session.id, idleExpiresAt, dpopJkt: session.dpopJkt }, successor, await verificationClaims(ctx, user));
  const won = await ctx.stores.sessions.rotateSession(session.id, {
    expectedSecretHash: session.secretHash,
    newSecretHash: hashSecret(successor),
    rotationNonce: nonce.toString('base64url'),
    rotatedAt: new Date(now),
    idleExpiresAt,
    earlierRotations: rotationsToKeep(session.recentRotations, graceStart(ctx)),
  });
  return won ? tokens : null;
}

function sessionEnded(ctx: AuthContext, client: ClientInfo, sessionId: string, session: SessionRecord | null): TesseraError {
  emitEvent(ctx, client, { type: 'refresh_failed', sessionId, userId: session?.userId ?? null, reason: 'session_ended' });
  return invalidGrant('The session has ended; log in again.');
}
