import { TesseraError } from '../../errors.js';
import { verifyPassword } from '../../password/hash.js';
import { checkPasswordCharacters } from '../../password/policy.js';
import type { TwoFactorRecord, UserRecord } from '../../store/types.js';
import type { AccessTokenClaims } from '../../token/types.js';
import { currentUser } from '../account.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { hitLimit, startPasswordAttempt } from '../limit-checks.js';
import { secondFactorMethod, spendSecondFactor, type SecondFactorInput } from './code-check.js';

/** Proof beyond the access token: exactly one of a fresh code, a recovery code or the password. */
export interface StepUpInput extends SecondFactorInput {
  password?: string | undefined;
}

export type StepUpMethod = 'totp' | 'recovery_code' | 'password';

/**
 * Checks the proof that changing the second factor needs beyond the access token, so that whoever steals a token
 * can neither strip the factor nor mint recovery codes for later. Every wrong proof counts against the account's
 * lockout and is audited. `allowPending`: a pending enrolment (it protects nothing yet) passes without a proof.
 */
export async function stepUpForTwoFactor(
  ctx: AuthContext,
  claims: AccessTokenClaims,
  input: StepUpInput,
  client: ClientInfo,
  options: { stage: 'disable' | 'recovery_codes'; allowPending: boolean },
): Promise<{ user: UserRecord; factor: TwoFactorRecord; method: StepUpMethod }> {
  await hitLimit(ctx, 'two_factor', client);
  const given = [input.code, input.recoveryCode, input.password].filter((v) => v !== undefined).length;
  if (given !== 1) throw new TesseraError('invalid_request', 'Send exactly one of code, recoveryCode or password.');
  if (input.password !== undefined) checkPasswordCharacters(input.password);
  const user = await currentUser(ctx, claims);
  const factor = await ctx.stores.twoFactor.findTwoFactor(user.id);
  if (factor === null || (factor.enabledAt === null && !options.allowPending)) {
    throw new TesseraError('not_found', 'Two-factor authentication is not on for this account.');
  }
  const attempt = await startPasswordAttempt(ctx, 'two_factor', { email: user.email, userId: user.id }, client);
  const method: StepUpMethod = input.password !== undefined ? 'password' : secondFactorMethod(input);
  const proven =
    method === 'password'
      ? await verifyPassword(user.passwordHash, input.password as string)
      : factor.enabledAt === null || (await spendSecondFactor(ctx, factor, method, input));
  if (!proven) {
    emitEvent(ctx, client, { type: 'two_factor_failed', userId: user.id, email: user.email, stage: options.stage, method });
    attempt.failed();
    // A 400, not a 401, as for a wrong current password: the session is fine and a client must not drop it.
    throw new TesseraError('invalid_request', method === 'password' ? 'The password is incorrect.' : 'The code is incorrect or was already used.');
  }
  await attempt.succeeded();
  return { user, factor, method };
}
