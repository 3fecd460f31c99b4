import { TesseraError } from '../../errors.js';
import { normalizeEmail } from '../../input/email.js';
import { hashPassword } from '../../password/hash.js';
import { checkPasswordPolicy } from '../../password/policy.js';
import type { UserRecord } from '../../store/types.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { hitLimit } from '../limit-checks.js';
import { revokeAllUserSessions } from '../revoke.js';
import { consumeOneTimeToken, issueOneTimeToken } from './one-time-token.js';

function resetSettings(ctx: AuthContext) {
  if (!ctx.mail?.passwordReset) throw new TesseraError('not_found', 'Password reset is not enabled on this server.');
  return ctx.mail;
}

/**
 * POST /auth/password-reset: mails a reset link when the email has an enabled account, and in every case resolves
 * the same way after the same awaited work (the rate-limit count and one lookup). Stops account enumeration: what
 * differs between a known and an unknown email — the account's mail allowance, making the token, storing it,
 * sending the mail — runs after the answer, through `runLater`, so neither the body nor the time says whether the
 * account exists.
 */
export async function requestPasswordReset(ctx: AuthContext, email: string, client: ClientInfo): Promise<void> {
  const mail = resetSettings(ctx);
  await hitLimit(ctx, 'account_mail', client);
  const normalized = normalizeEmail(email);
  const user = await ctx.stores.users.findUserByEmail(normalized);
  // A disabled account gets no link: resetting the password must not be a way back in.
  const eligible = user !== null && user.disabledAt === null;
  emitEvent(ctx, client, { type: 'password_reset_requested', email: normalized, userId: user?.id ?? null, mailed: eligible });
  if (!eligible) return;
  const send = async () => {
    // Per account, whatever the addresses asking: a botnet cannot fill someone's inbox with reset mails.
    const retryAfterSeconds = (await ctx.limits?.mailToAccount(normalized)) ?? null;
    if (retryAfterSeconds !== null) {
      emitEvent(ctx, client, { type: 'rate_limited', action: 'account_mail', retryAfterSeconds });
      return;
    }
    const token = await issueOneTimeToken(ctx, 'password_reset', user, mail.passwordResetTtlSeconds);
    await mail.send({ kind: 'password_reset', to: user.email, token, expiresInSeconds: mail.passwordResetTtlSeconds });
  };
  if (mail.runLater) mail.runLater(send);
  else await send();
}

/**
 * POST /auth/password-reset/complete: consumes the token (once, atomically), sets the new password under the
 * password policy, revokes EVERY session of the user — whoever was in with the old password is out at once — and
 * tells the user by mail. A token for an account disabled or whose email changed since the mail is refused.
 */
export async function completePasswordReset(ctx: AuthContext, token: string, newPassword: string, client: ClientInfo): Promise<UserRecord> {
  const mail = resetSettings(ctx);
  await hitLimit(ctx, 'one_time_token', client);
  // The policy first, so a too-short or common password is refused without spending the link.
  checkPasswordPolicy(newPassword, 'new password');
  const record = await consumeOneTimeToken(ctx, 'password_reset', token);
  const user = record ? await ctx.stores.users.findUserById(record.userId) : null;
  if (!record || !user || user.email !== record.email || user.disabledAt !== null) {
    emitEvent(ctx, client, { type: 'password_reset_failed', userId: record?.userId ?? null, reason: record ? 'account_changed' : 'invalid_token' });
    throw new TesseraError('invalid_link');
  }
  // The one rule that needs the account (the password may not be its email) can only run now; it spends the link.
  checkPasswordPolicy(newPassword, 'new password', user.email);
  await ctx.stores.users.updatePasswordHash(user.id, await hashPassword(newPassword), new Date(ctx.now()));
  await ctx.stores.oneTimeTokens.deleteUserOneTimeTokens(user.id, 'password_reset');
  const sessionsRevoked = await revokeAllUserSessions(ctx, user.id, 'password_reset');
  emitEvent(ctx, client, { type: 'password_reset_completed', userId: user.id, sessionsRevoked });
  await mail.send({ kind: 'password_reset_done', to: user.email });
  return user;
}
