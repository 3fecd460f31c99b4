import { TesseraError } from '../errors.js';
import { hashPassword, verifyPassword } from '../password/hash.js';
import { checkPasswordCharacters, checkPasswordPolicy } from '../password/policy.js';
import type { UserRecord } from '../store/types.js';
import type { AccessTokenClaims } from '../token/types.js';
import type { AuthContext, ClientInfo } from './context.js';
import { emitEvent } from './events.js';
import { hitLimit, startPasswordAttempt } from './limit-checks.js';
import { revokeAllUserSessions } from './revoke.js';

/** The user an access token speaks for; a token for a deleted account is an invalid token. */
export async function currentUser(ctx: AuthContext, claims: AccessTokenClaims): Promise<UserRecord> {
  const user = await ctx.stores.users.findUserById(claims.sub);
  if (!user) throw new TesseraError('invalid_token', 'The account of this token no longer exists.', { reason: 'account_gone' });
  return user;
}

/**
 * Changes the password after checking the current one, then revokes every other session: whoever else knew the
 * old password (or holds a token from it) is out at once. The caller's own session stays.
 */
export async function changePassword(
  ctx: AuthContext,
  claims: AccessTokenClaims,
  currentPassword: string,
  newPassword: string,
  client: ClientInfo = {},
): Promise<void> {
  await hitLimit(ctx, 'password_change', client);
  const user = await currentUser(ctx, claims);
  checkPasswordCharacters(currentPassword, 'current password');
  checkPasswordPolicy(newPassword, 'new password', user.email);
  const account = { email: user.email, userId: user.id };
  // The current password is a password guess like a login: the same per-account budget applies, so a stolen
  // access token is no way round the login lockout.
  const attempt = await startPasswordAttempt(ctx, 'password_change', account, client);
  // A wrong current password is a 400, not a 401: a client must not take it for a dead session and log out.
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    // Recorded like a failed login: whoever holds a stolen access token and guesses the password leaves a trace.
    emitEvent(ctx, client, { type: 'password_change_failed', userId: user.id, email: user.email, sessionId: claims.sid, reason: 'wrong_password' });
    attempt.failed();
    throw new TesseraError('invalid_request', 'The current password is incorrect.');
  }
  await attempt.succeeded();
  await ctx.stores.users.updatePasswordHash(user.id, await hashPassword(newPassword), new Date(ctx.now()));
  // A pending reset link dies with the password it was meant to replace.
  await ctx.stores.oneTimeTokens.deleteUserOneTimeTokens(user.id, 'password_reset');
  const sessionsRevoked = await revokeAllUserSessions(ctx, user.id, 'password_changed', claims.sid);
  emitEvent(ctx, client, { type: 'password_changed', userId: user.id, sessionId: claims.sid, sessionsRevoked });
}
