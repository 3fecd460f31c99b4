import { TesseraError } from '../../errors.js';
import { normalizeEmail } from '../../input/email.js';
import { verifyPassword } from '../../password/hash.js';
import { checkPasswordCharacters } from '../../password/policy.js';
import type { UserRecord } from '../../store/types.js';
import type { AccessTokenClaims } from '../../token/types.js';
import { currentUser } from '../account.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { hitLimit, startPasswordAttempt } from '../limit-checks.js';
import { sendVerificationEmail } from './email-verification.js';

/**
 * POST /auth/email (Bearer): changes the account's email after checking the password — a stolen access token
 * alone cannot move the account to an attacker's address, from where a password reset would take it over. The
 * new address is unverified until its own link is used (verification is per address), pending reset links die
 * (they were sent to the old address), and the old address is told.
 */
export async function changeEmail(
  ctx: AuthContext,
  claims: AccessTokenClaims,
  input: { newEmail: string; password: string },
  client: ClientInfo,
): Promise<UserRecord> {
  await hitLimit(ctx, 'account_mail', client);
  const user = await currentUser(ctx, claims);
  const newEmail = normalizeEmail(input.newEmail);
  checkPasswordCharacters(input.password, 'password');
  // The password is a guess like a login's: it draws on the same per-account lockout budget.
  const attempt = await startPasswordAttempt(ctx, 'password_change', { email: user.email, userId: user.id }, client);
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    emitEvent(ctx, client, { type: 'password_change_failed', userId: user.id, email: user.email, sessionId: claims.sid, reason: 'wrong_password' });
    attempt.failed();
    throw new TesseraError('invalid_request', 'The password is incorrect.');
  }
  await attempt.succeeded();
  if (newEmail === user.email) return user;
  const outcome = await ctx.stores.users.updateUserEmail(user.id, newEmail, new Date(ctx.now()));
  if (outcome === 'taken') throw new TesseraError('email_taken');
  if (outcome === 'not_found') throw new TesseraError('invalid_token', 'The account of this token no longer exists.', { reason: 'account_gone' });
  await ctx.stores.oneTimeTokens.deleteUserOneTimeTokens(user.id, 'password_reset');
  await ctx.stores.oneTimeTokens.deleteUserOneTimeTokens(user.id, 'verify_email');
  const updated: UserRecord = { ...user, email: newEmail };
  emitEvent(ctx, client, { type: 'email_changed', userId: user.id, oldEmail: user.email, newEmail });
  if (ctx.mail) await ctx.mail.send({ kind: 'email_changed', to: user.email, newEmail });
  await sendVerificationEmail(ctx, updated, client, true);
  return updated;
}
