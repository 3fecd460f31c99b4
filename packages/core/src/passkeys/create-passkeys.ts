import type { AuthContext, ClientInfo } from '../auth/context.js';
import type { PasskeyStore } from '../store/passkey-types.js';
import type { AccessTokenClaims } from '../token/types.js';
import { listPasskeys, removePasskey } from './manage.js';
import { finishPasskeyRegistration, startPasskeyRegistration, type FinishRegistrationInput } from './register.js';
import { resolvePasskeySettings } from './resolved-settings.js';
import type { PasskeySettings } from './settings.js';
import { finishPasskeySignIn, startPasskeySignIn, type FinishSignInInput } from './sign-in.js';

export type Passkeys = ReturnType<typeof bindPasskeys>;

/**
 * Passkey registration and sign-in over an auth context (`auth.context`) whose stores have `passkeys`. The
 * settings are checked here, once: a bad RP ID or origin throws a RangeError naming it.
 */
export function createPasskeys(ctx: AuthContext, settings: PasskeySettings): Passkeys {
  const store = ctx.stores.passkeys;
  if (store === undefined) throw new RangeError('Passkeys need stores with a passkey store (the SQL or in-memory stores).');
  return bindPasskeys(ctx, store, resolvePasskeySettings(settings));
}

function bindPasskeys(ctx: AuthContext, store: PasskeyStore, settings: ReturnType<typeof resolvePasskeySettings>) {
  return {
    settings,
    startRegistration: (claims: AccessTokenClaims, client: ClientInfo) => startPasskeyRegistration(ctx, store, settings, claims, client),
    finishRegistration: (claims: AccessTokenClaims, input: FinishRegistrationInput, client: ClientInfo) =>
      finishPasskeyRegistration(ctx, store, settings, claims, input, client),
    startSignIn: (input: { email?: string | null | undefined }, client: ClientInfo) => startPasskeySignIn(ctx, store, settings, input, client),
    finishSignIn: (input: FinishSignInInput, client: ClientInfo) => finishPasskeySignIn(ctx, store, settings, input, client),
    list: (claims: AccessTokenClaims) => listPasskeys(ctx, store, claims),
    remove: (claims: AccessTokenClaims, passkeyId: string, client: ClientInfo) => removePasskey(ctx, store, claims, passkeyId, client),
    /** Housekeeping: drops challenges that expired before now. */
    deleteExpiredChallenges: () => store.deleteExpiredPasskeyChallenges(new Date(ctx.now())),
  };
}
