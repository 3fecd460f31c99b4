import type { TwoFactorStatus } from '@tessera/wire';
import type { AccessTokenClaims } from '../../token/types.js';
import { currentUser } from '../account.js';
import type { AuthContext } from '../context.js';

export async function twoFactorStatus(ctx: AuthContext, claims: AccessTokenClaims): Promise<TwoFactorStatus> {
  const user = await currentUser(ctx, claims);
  const factor = await ctx.stores.twoFactor.findTwoFactor(user.id);
  return {
    enabled: factor !== null && factor.enabledAt !== null,
    pending: factor !== null && factor.enabledAt === null,
    recoveryCodesLeft: factor?.enabledAt ? factor.recoveryCodeHashes.length : 0,
  };
}
