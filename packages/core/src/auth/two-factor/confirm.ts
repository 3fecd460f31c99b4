import type { TwoFactorConfirmation } from '@tessera/wire';
import { TesseraError } from '../../errors.js';
import type { AccessTokenClaims } from '../../token/types.js';
import { createRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from '../../two-factor/recovery-codes.js';
import { matchTotp } from '../../two-factor/totp.js';
import { currentUser } from '../account.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { hitLimit, startPasswordAttempt } from '../limit-checks.js';
import { totpSecretOf } from './code-check.js';

/**
 * Turns a pending enrolment on with its first valid code, and returns the ten recovery codes — shown this once,
 * only their hashes are kept. The confirming code's step is recorded as used, so it cannot also log in.
 */
export async function confirmTwoFactor(ctx: AuthContext, claims: AccessTokenClaims, code: string, client: ClientInfo = {}): Promise<TwoFactorConfirmation> {
  await hitLimit(ctx, 'two_factor', client);
  const user = await currentUser(ctx, claims);
  const factor = await ctx.stores.twoFactor.findTwoFactor(user.id);
  if (factor === null) throw new TesseraError('not_found', 'No two-factor enrolment is waiting for a code; start one first.');
  if (factor.enabledAt !== null) throw new TesseraError('two_factor_enabled');
  // Wrong codes draw on the account's lockout budget like passwords: confirmation is no side door for guessing.
  const attempt = await startPasswordAttempt(ctx, 'two_factor', { email: user.email, userId: user.id }, client);
  const step = matchTotp(totpSecretOf(ctx, factor), code, ctx.now());
  if (step === null) {
    emitEvent(ctx, client, { type: 'two_factor_failed', userId: user.id, email: user.email, stage: 'confirm', method: 'totp' });
    attempt.failed();
    // A 400, not a 401, as for a wrong current password: the session is fine and a client must not drop it.
    throw new TesseraError('invalid_request', 'The code is incorrect or was already used.');
  }
  const recoveryCodes = createRecoveryCodes(ctx.randomBytes);
  const recoveryCodeHashes = recoveryCodes.map((c) => hashRecoveryCode(normalizeRecoveryCode(c) as string));
  const enabled = await ctx.stores.twoFactor.enableTwoFactor(user.id, { secretEncrypted: factor.secretEncrypted, step, recoveryCodeHashes, at: new Date(ctx.now()) });
  // Another request confirmed, restarted or removed this enrolment in between: its codes are not these.
  if (!enabled) throw new TesseraError('not_found', 'This enrolment changed meanwhile; start again.');
  await attempt.succeeded();
  emitEvent(ctx, client, { type: 'two_factor_enabled', userId: user.id });
  return { recoveryCodes };
}
