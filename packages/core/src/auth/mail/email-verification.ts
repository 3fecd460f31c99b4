import { TesseraError } from '../../errors.js';
import type { UserRecord } from '../../store/types.js';
import type { AccessTokenClaims } from '../../token/types.js';
import { currentUser } from '../account.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { hitLimit } from '../limit-checks.js';
import { consumeOneTimeToken, issueOneTimeToken } from './one-time-token.js';

function verificationOn(ctx: AuthContext): boolean {
  return ctx.mail !== undefined && ctx.mail.emailVerification !== 'off';
}

/** Whether the user's CURRENT email is the one last verified: a changed email is unverified until its own link. */
export async function isEmailVerified(ctx: AuthContext, user: Pick<UserRecord, 'id' | 'email'>): Promise<boolean> {
  return (await ctx.stores.emailVerifications.emailVerifiedAt(user.id, user.email)) !== null;
}

/**
 * The `email_verified` claim (an extension of the contract's claim list), present only while verification is on:
 * services can refuse unverified users without a call back. 22 bytes of a token's 1 KB budget.
 */
export async function verificationClaims(ctx: AuthContext, user: Pick<UserRecord, 'id' | 'email'>): Promise<Record<string, unknown>> {
  return verificationOn(ctx) ? { email_verified: await isEmailVerified(ctx, user) } : {};
}

/**
 * Mails a fresh verification link to the user's current address (earlier links of the user stop working). Signup's
 * own link is part of the `signup` event; a resend or an email change records `verification_sent`.
 */
export async function sendVerificationEmail(ctx: AuthContext, user: Pick<UserRecord, 'id' | 'email'>, client: ClientInfo, record = false): Promise<void> {
  const mail = ctx.mail;
  if (!mail || mail.emailVerification === 'off') return;
  const token = await issueOneTimeToken(ctx, 'verify_email', user, mail.verifyEmailTtlSeconds);
  await mail.send({ kind: 'verify_email', to: user.email, token, expiresInSeconds: mail.verifyEmailTtlSeconds });
  if (record) emitEvent(ctx, client, { type: 'verification_sent', userId: user.id, email: user.email });
}

/** Login's gate under `required`: the right password, an unverified email → 403 email_unverified, no session. */
export async function checkMayLogIn(ctx: AuthContext, user: UserRecord, client: ClientInfo): Promise<void> {
  if (ctx.mail?.emailVerification !== 'required') return;
  if (await isEmailVerified(ctx, user)) return;
  emitEvent(ctx, client, { type: 'login_failed', email: user.email, userId: user.id, reason: 'email_unverified' });
  throw new TesseraError('email_unverified');
}

/**
 * POST /auth/verify-email: consumes the link's token (once, atomically) and records the address as verified —
 * only if it is still the account's email, so an old link cannot vouch for an address changed since.
 */
export async function verifyEmail(ctx: AuthContext, token: string, client: ClientInfo): Promise<UserRecord> {
  if (!verificationOn(ctx)) throw new TesseraError('not_found', 'Email verification is not enabled on this server.');
  await hitLimit(ctx, 'one_time_token', client);
  const record = await consumeOneTimeToken(ctx, 'verify_email', token);
  const user = record ? await ctx.stores.users.findUserById(record.userId) : null;
  if (!record || !user || user.email !== record.email) {
    emitEvent(ctx, client, { type: 'email_verification_failed', userId: record?.userId ?? null, reason: record ? 'email_changed' : 'invalid_token' });
    throw new TesseraError('invalid_link');
  }
  await ctx.stores.emailVerifications.markEmailVerified(user.id, user.email, new Date(ctx.now()));
  emitEvent(ctx, client, { type: 'email_verified', userId: user.id, email: user.email });
  return user;
}

/** POST /auth/verify-email/resend (Bearer): a new link, rate limited per address; nothing to do once verified. */
export async function resendVerification(ctx: AuthContext, claims: AccessTokenClaims, client: ClientInfo): Promise<{ sent: boolean }> {
  if (!verificationOn(ctx)) throw new TesseraError('not_found', 'Email verification is not enabled on this server.');
  const user = await currentUser(ctx, claims);
  await hitLimit(ctx, 'account_mail', client);
  if (await isEmailVerified(ctx, user)) return { sent: false };
  await sendVerificationEmail(ctx, user, client, true);
  return { sent: true };
}
