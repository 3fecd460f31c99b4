import { TesseraError } from '../../errors.js';
import type { TwoFactorRecord, UserRecord } from '../../store/types.js';
import { CHALLENGE_TTL_SECONDS, challengeHash, createChallenge } from '../../two-factor/challenge.js';
import type { AuthContext, ClientInfo } from '../context.js';
import { emitEvent } from '../events.js';

/**
 * The answer to a right password when the account has a second factor: no tokens, but a `two_factor_required`
 * error carrying a single-use challenge bound to this user, valid for a few minutes. An error rather than a
 * success body, so a client that knows nothing of second factors shows a clear failure instead of looking for
 * tokens that are not there.
 */
export async function challengeSecondFactor(ctx: AuthContext, user: UserRecord, factor: TwoFactorRecord, client: ClientInfo): Promise<TesseraError> {
  const challenge = createChallenge(ctx.randomBytes);
  const now = ctx.now();
  await ctx.stores.twoFactor.createTwoFactorChallenge({
    idHash: challengeHash(challenge) as string,
    userId: user.id,
    createdAt: new Date(now),
    expiresAt: new Date(now + CHALLENGE_TTL_SECONDS * 1000),
  });
  emitEvent(ctx, client, { type: 'two_factor_challenged', userId: user.id, email: user.email });
  return new TesseraError('two_factor_required', undefined, {
    twoFactor: {
      challenge,
      methods: factor.recoveryCodeHashes.length > 0 ? ['totp', 'recovery_code'] : ['totp'],
      expiresIn: CHALLENGE_TTL_SECONDS,
    },
  });
}
