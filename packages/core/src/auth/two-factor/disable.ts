import type { AccessTokenClaims } from '../../token/types.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { stepUpForTwoFactor, type StepUpInput } from './step-up.js';

export type DisableTwoFactorInput = StepUpInput;

/**
 * Turns the second factor off (or drops a pending enrolment). An enabled factor needs proof beyond the access
 * token — a fresh code, a recovery code or the password — so whoever steals a token cannot strip the factor and
 * then keep the account with the password alone.
 */
export async function disableTwoFactor(ctx: AuthContext, claims: AccessTokenClaims, input: DisableTwoFactorInput, client: ClientInfo = {}): Promise<void> {
  const { user, method } = await stepUpForTwoFactor(ctx, claims, input, client, { stage: 'disable', allowPending: true });
  await ctx.stores.twoFactor.deleteTwoFactor(user.id);
  emitEvent(ctx, client, { type: 'two_factor_disabled', userId: user.id, by: method });
}
