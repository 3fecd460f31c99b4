import { TesseraError } from '../../errors.js';
import type { TwoFactorRecord } from '../../store/types.js';
import { openTotpSecret } from '../../two-factor/secret-box.js';
import { hashRecoveryCode, normalizeRecoveryCode } from '../../two-factor/recovery-codes.js';
import { matchTotp } from '../../two-factor/totp.js';
import type { AuthContext } from '../context.js';

/** A second-factor answer: exactly one of a TOTP code or a recovery code. */
export interface SecondFactorInput {
  code?: string | undefined;
  recoveryCode?: string | undefined;
}

export type SecondFactorMethod = 'totp' | 'recovery_code';

/** Which method the input uses; a 400 when it names none or both (the caller must say which it means). */
export function secondFactorMethod(input: SecondFactorInput): SecondFactorMethod {
  const hasCode = input.code !== undefined;
  const hasRecovery = input.recoveryCode !== undefined;
  if (hasCode === hasRecovery) throw new TesseraError('invalid_request', 'Send exactly one of code (the six digits of the authenticator app) or recoveryCode.');
  return hasCode ? 'totp' : 'recovery_code';
}

/** Opens the stored TOTP secret; a secret that will not open (TESSERA_SECRET changed) is a server fault, not a wrong code. */
export function totpSecretOf(ctx: AuthContext, factor: TwoFactorRecord): string {
  try {
    return openTotpSecret(factor.secretEncrypted, ctx.derived.totpEncryption, factor.userId);
  } catch (error) {
    throw new TesseraError('internal_error', 'The stored TOTP secret cannot be decrypted: TESSERA_SECRET is not the one it was enrolled under.', { cause: error });
  }
}

/**
 * Checks and spends one second-factor answer of an enabled factor; true when it was valid and this call spent it.
 * A TOTP code matches within one step of now and must be of a later step than the last one accepted: a code
 * seen over a shoulder or replayed from a log is refused, even inside its 90-second window (the store's
 * compare-and-set decides, so two racing requests with one code cannot both win). A recovery code is removed
 * in the same atomic step that accepts it.
 */
export async function spendSecondFactor(ctx: AuthContext, factor: TwoFactorRecord, method: SecondFactorMethod, input: SecondFactorInput): Promise<boolean> {
  if (method === 'totp') {
    const step = matchTotp(totpSecretOf(ctx, factor), input.code ?? '', ctx.now());
    return step !== null && (await ctx.stores.twoFactor.useTotpStep(factor.userId, step));
  }
  const normalized = normalizeRecoveryCode(input.recoveryCode ?? '');
  return normalized !== null && (await ctx.stores.twoFactor.useRecoveryCode(factor.userId, hashRecoveryCode(normalized)));
}
