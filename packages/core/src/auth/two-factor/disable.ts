import { TesseraError } from '../../errors.js';
import { verifyPassword } from '../../password/hash.js';
import { checkPasswordCharacters } from '../../password/policy.js';
import type { AccessTokenClaims } from '../../token/types.js';
import { currentUser } from '../account.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { hitLimit, startPasswordAttempt } from '../limit-checks.js';
import { secondFactorMethod, spendSecondFactor, type SecondFactorInput } from './code-check.js';

export interface DisableTwoFactorInput extends SecondFactorInput {
  password?: string | undefined;
}

/**
 * Turns the second factor off (or drops a pending enrolment). An enabled factor needs proof beyond the access
 * token — a fresh code, a recovery code or the password — so whoever steals a token cannot strip the factor and
 * then keep the account with the password alone. Every wrong proof counts against the account's lockout.
 */
export async function disableTwoFactor(ctx: AuthContext, claims: AccessTokenClaims, input: DisableTwoFactorInput, client: ClientInfo = {}): Promise<void> {
  await hitLimit(ctx, 'two_factor', client);
  const given = [input.code, input.recoveryCode, input.password].filter((v) => v !== undefined).length;
  if (given !== 1) throw new TesseraError('invalid_request', 'Send exactly one of code, recoveryCode or password.');
  if (input.password !== undefined) checkPasswordCharacters(input.password);
  const user = await currentUser(ctx, claims);
  const factor = await ctx.stores.twoFactor.findTwoFactor(user.id);
  if (factor === null) throw new TesseraError('not_found', 'Two-factor authentication is not on for this account.');
  const attempt = await startPasswordAttempt(ctx, 'two_factor', { email: user.email, userId: user.id }, client);
  const method = input.password !== undefined ? 'password' : secondFactorMethod(input);
  const proven =
    method === 'password'
      ? await verifyPassword(user.passwordHash, input.password as string)
      : factor.enabledAt === null || (await spendSecondFactor(ctx, factor, method, input));
  if (!proven) {
    emitEvent(ctx, client, { type: 'two_factor_failed', userId: user.id, email: user.email, stage: 'disable', method });
    attempt.failed();
    // A 400, not a 401, as for a wrong current password: the session is fine and a client must not drop it.
    throw new TesseraError('invalid_request', method === 'password' ? 'The password is incorrect.' : 'The code is incorrect or was already used.');
  }
  await attempt.succeeded();
  await ctx.stores.twoFactor.deleteTwoFactor(user.id);
  emitEvent(ctx, client, { type: 'two_factor_disabled', userId: user.id, by: method });
}
