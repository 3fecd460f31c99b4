import { TesseraError } from '../errors.js';
import { normalizeEmail } from '../input/email.js';
import { dummyPasswordHash, hashPassword, matchPassword } from '../password/hash.js';
import { checkPasswordCharacters } from '../password/policy.js';
import type { UserRecord } from '../store/types.js';
import type { AuthContext, ClientInfo, IssuedTokens } from './context.js';
import { emitEvent } from './events.js';
import { startPasswordAttempt } from './limit-checks.js';
import { revokeOneSession } from './revoke.js';
import { checkMayLogIn } from './mail/email-verification.js';
import { sessionKeyFor, startSession } from './start-session.js';
import { challengeSecondFactor } from './two-factor/challenge-login.js';

export interface LoginInput {
  email: string;
  password: string;
}

/**
 * Checks the password and opens a session. An unknown email is verified against a dummy hash, so it costs the
 * same time as a wrong password and gets the same error: neither the body nor the timing tells an attacker
 * which emails have accounts. Failures are counted per account and per address whether or not the account
 * exists (so a 429 says nothing about existence either), and refused before any hashing once used up.
 */
export async function login(ctx: AuthContext, input: LoginInput, client: ClientInfo): Promise<{ user: UserRecord; tokens: IssuedTokens }> {
  // The normal form signup stored (so `ＡＮＮ@example.test.` finds ann@example.test); malformed input is a 400
  // before any lookup, and says nothing about whether an account exists.
  const email = normalizeEmail(input.email);
  checkPasswordCharacters(input.password);
  sessionKeyFor(ctx, client);
  const attempt = await startPasswordAttempt(ctx, 'login', { email, userId: null }, client);
  const user = await ctx.stores.users.findUserByEmail(email);
  const { matches, rehash } = await matchPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !matches) {
    emitEvent(ctx, client, { type: 'login_failed', email, userId: user?.id ?? null, reason: user ? 'wrong_password' : 'unknown_email' });
    attempt.failed();
    throw new TesseraError('invalid_credentials');
  }
  // Second factor: a right password alone does not reset the account's failure count, or an attacker holding
  // the password could log in again between code guesses and guess six digits without ever being locked out.
  const stored = await ctx.stores.twoFactor.findTwoFactor(user.id);
  const factor = stored !== null && stored.enabledAt !== null ? stored : null;
  if (factor === null) await attempt.succeeded();
  // Stops a disabled account from getting a session. Checked only after the password matched: to anyone without
  // the password a disabled account answers exactly like any other wrong guess, so the status is not revealed;
  // its owner, who typed the right password, is told why instead of retrying a password that is correct.
  if (user.disabledAt !== null) {
    emitEvent(ctx, client, { type: 'login_failed', email, userId: user.id, reason: 'account_disabled' });
    throw new TesseraError('account_disabled');
  }
  await checkMayLogIn(ctx, user, client);
  if (rehash) {
    // Imported bcrypt hashes, older parameters and hashes of the un-normalised password are upgraded the first
    // time the password is seen.
    await ctx.stores.users.updatePasswordHash(user.id, await hashPassword(input.password), new Date(ctx.now()));
  }
  if (factor !== null) throw await challengeSecondFactor(ctx, user, factor, client);
  const tokens = await startSession(ctx, user, client);
  // Closes the race with an administrator disabling the account while its password was being checked: the
  // disable sets the flag, then revokes every session. Read after this session exists, either the flag shows
  // (and the session ends here) or the disable's revocation comes later and ends it.
  const current = await ctx.stores.users.findUserById(user.id);
  if (current !== null && current.disabledAt !== null) {
    await revokeOneSession(ctx, tokens.sessionId, 'account_disabled');
    emitEvent(ctx, client, { type: 'login_failed', email, userId: user.id, reason: 'account_disabled' });
    throw new TesseraError('account_disabled');
  }
  emitEvent(ctx, client, { type: 'login_succeeded', userId: user.id, email, sessionId: tokens.sessionId });
  return { user, tokens };
}
