import { currentUser } from '../auth/account.js';
import type { AuthContext, ClientInfo } from '../auth/context.js';
import { emitEvent } from '../auth/events.js';
import { TesseraError } from '../errors.js';
import type { PasskeyStore } from '../store/passkey-types.js';
import type { AccessTokenClaims } from '../token/types.js';
import { toPasskeyView, type PasskeyView } from './view.js';

/** The signed-in user's passkeys, oldest first. */
export async function listPasskeys(ctx: AuthContext, store: PasskeyStore, claims: AccessTokenClaims): Promise<PasskeyView[]> {
  const user = await currentUser(ctx, claims);
  return (await store.listUserPasskeys(user.id)).map(toPasskeyView);
}

/**
 * Removes one of the user's passkeys. Somebody else's passkey answers exactly like a missing one (404), so the
 * endpoint cannot be used to learn which credential ids exist.
 */
export async function removePasskey(ctx: AuthContext, store: PasskeyStore, claims: AccessTokenClaims, passkeyId: string, client: ClientInfo): Promise<void> {
  const user = await currentUser(ctx, claims);
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(passkeyId) || !(await store.deletePasskey(user.id, passkeyId))) {
    throw new TesseraError('not_found', 'There is no such passkey.');
  }
  emitEvent(ctx, client, { type: 'passkey_removed', userId: user.id, passkeyId });
}
