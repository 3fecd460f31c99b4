import type { TwoFactorConfirmation } from '@tessera/wire';
import { TesseraError } from '../../errors.js';
import type { AccessTokenClaims } from '../../token/types.js';
import { createRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from '../../two-factor/recovery-codes.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { stepUpForTwoFactor, type StepUpInput } from './step-up.js';

/**
 * Replaces the recovery codes of an enabled second factor with ten new ones, shown this once (only their hashes
 * are kept): for a user who used some up, or fears the printed sheet was seen. Every old code stops working in
 * the same atomic step. Needs the same proof as turning the factor off, since new codes pass the second factor.
 */
export async function regenerateRecoveryCodes(ctx: AuthContext, claims: AccessTokenClaims, input: StepUpInput, client: ClientInfo = {}): Promise<TwoFactorConfirmation> {
  const { user, method } = await stepUpForTwoFactor(ctx, claims, input, client, { stage: 'recovery_codes', allowPending: false });
  const recoveryCodes = createRecoveryCodes(ctx.randomBytes);
  const hashes = recoveryCodes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c) as string));
  // The factor was turned off (another session) between the proof and here: there is nothing to give codes to.
  if (!(await ctx.stores.twoFactor.replaceRecoveryCodes(user.id, hashes))) {
    throw new TesseraError('not_found', 'Two-factor authentication is not on for this account.');
  }
  emitEvent(ctx, client, { type: 'recovery_codes_regenerated', userId: user.id, by: method });
  return { recoveryCodes };
}
