import type { TwoFactorEnrollment } from '@tessera/wire';
import { TesseraError } from '../../errors.js';
import type { AccessTokenClaims } from '../../token/types.js';
import { sealTotpSecret } from '../../two-factor/secret-box.js';
import { createTotpSecret, totpUri } from '../../two-factor/totp.js';
import { currentUser } from '../account.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';
import { hitLimit } from '../limit-checks.js';

/**
 * Starts (or restarts) an enrolment: a fresh secret, stored encrypted and pending. It protects nothing until a
 * first valid code confirms it (confirmTwoFactor), so an app that never scanned it cannot lock its user out.
 * Refused with `two_factor_enabled` while a factor is on: replacing an active factor goes through disabling it,
 * which needs a code or the password — a stolen access token alone cannot swap in the attacker's authenticator.
 */
export async function startTwoFactorEnrollment(ctx: AuthContext, claims: AccessTokenClaims, client: ClientInfo = {}): Promise<TwoFactorEnrollment> {
  await hitLimit(ctx, 'two_factor', client);
  const user = await currentUser(ctx, claims);
  const secret = createTotpSecret(ctx.randomBytes);
  const sealed = sealTotpSecret(secret, ctx.derived.totpEncryption, user.id, ctx.randomBytes);
  if (!(await ctx.stores.twoFactor.savePendingTwoFactor(user.id, sealed, new Date(ctx.now())))) throw new TesseraError('two_factor_enabled');
  emitEvent(ctx, client, { type: 'two_factor_enrollment_started', userId: user.id });
  return { otpauthUri: totpUri(secret, issuerLabel(ctx.settings.issuer), user.email), secret };
}

/** Authenticator apps show the issuer beside the account: the host reads better than a full URL. */
function issuerLabel(issuer: string): string {
  try {
    return new URL(issuer).host || issuer;
  } catch {
    return issuer;
  }
}
