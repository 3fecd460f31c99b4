import { TesseraError } from '../../errors.js';
import type { UserRecord } from '../../store/types.js';
import { challengeHash } from '../../two-factor/challenge.js';
import type { AuthContext, ClientInfo, IssuedTokens } from '../context.js';
import { emitEvent } from '../events.js';
import { startPasswordAttempt } from '../limit-checks.js';
import { revokeOneSession } from '../revoke.js';
import { sessionKeyFor, startSession } from '../start-session.js';
import { secondFactorMethod, spendSecondFactor, type SecondFactorInput } from './code-check.js';

export interface VerifyLoginInput extends SecondFactorInput {
  challenge: string;
}

/**
 * The second step of a login: a challenge from `two_factor_required` and a TOTP or recovery code. On success
 * the session starts exactly as a one-step login's does (startSession), so every transport issues the same
 * tokens. A wrong code leaves the challenge usable (a typo does not cost the password step) but counts against
 * the account's lockout — the same budget as passwords, so guessing six digits is bounded per account whatever
 * number of challenges an attacker holding the password collects.
 */
export async function verifyTwoFactorLogin(ctx: AuthContext, input: VerifyLoginInput, client: ClientInfo): Promise<{ user: UserRecord; tokens: IssuedTokens }> {
  const method = secondFactorMethod(input);
  // Before the challenge is looked at: a request refused for want of a proof (TESSERA_DPOP=required) neither
  // spends the challenge nor counts a code, so the client can send it again with a proof.
  sessionKeyFor(ctx, client);
  const idHash = challengeHash(input.challenge);
  const challenge = idHash === null ? null : await ctx.stores.twoFactor.findTwoFactorChallenge(idHash);
  // An expired challenge is refused even before housekeeping deletes it: the password check it stands for is stale.
  if (idHash === null || challenge === null || challenge.expiresAt.getTime() <= ctx.now()) throw new TesseraError('invalid_challenge');
  const user = await ctx.stores.users.findUserById(challenge.userId);
  if (user === null) throw new TesseraError('invalid_challenge');
  const factor = await ctx.stores.twoFactor.findTwoFactor(user.id);
  // The factor was turned off since the password step: that challenge no longer stands for anything.
  if (factor === null || factor.enabledAt === null) throw new TesseraError('invalid_challenge');
  const account = { email: user.email, userId: user.id };
  const attempt = await startPasswordAttempt(ctx, 'two_factor', account, client);
  if (!(await spendSecondFactor(ctx, factor, method, input))) {
    emitEvent(ctx, client, { type: 'two_factor_failed', ...account, stage: 'login', method });
    attempt.failed();
    throw new TesseraError('invalid_two_factor_code');
  }
  // Single use: of racing requests with one challenge (and different valid codes), exactly one gets a session.
  if ((await ctx.stores.twoFactor.consumeTwoFactorChallenge(idHash)) === null) throw new TesseraError('invalid_challenge');
  await attempt.succeeded();
  if (user.disabledAt !== null) throw new TesseraError('account_disabled');
  const tokens = await startSession(ctx, user, client);
  // The same race with an administrator's disable as in login: read after the session exists.
  const current = await ctx.stores.users.findUserById(user.id);
  if (current !== null && current.disabledAt !== null) {
    await revokeOneSession(ctx, tokens.sessionId, 'account_disabled');
    throw new TesseraError('account_disabled');
  }
  emitEvent(ctx, client, { type: 'login_succeeded', ...account, sessionId: tokens.sessionId, secondFactor: method });
  return { user, tokens };
}
