import { Buffer } from 'node:buffer';
import { generateAuthenticationOptions, verifyAuthenticationResponse, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { AuthContext, ClientInfo, IssuedTokens } from '../auth/context.js';
import { emitEvent, type AuthEventDetails } from '../auth/events.js';
import { hitLimit } from '../auth/limit-checks.js';
import { revokeOneSession } from '../auth/revoke.js';
import { sessionKeyFor, startSession } from '../auth/start-session.js';
import { TesseraError } from '../errors.js';
import { normalizeEmail } from '../input/email.js';
import type { PasskeyStore } from '../store/passkey-types.js';
import type { UserRecord } from '../store/types.js';
import { challengeRefused, consumeChallenge, issueChallenge } from './challenge.js';
import { transportsOf, type PasskeyCeremony } from './register.js';
import type { ResolvedPasskeySettings } from './resolved-settings.js';
import { readAuthenticationResponse } from './response-shape.js';

/**
 * Options to sign in with a passkey. Without an email the browser offers every passkey it has for this site
 * (discoverable credentials: usernameless sign-in). With one, it is asked for that account's passkeys only; an
 * email without an account gets the same answer with an empty list, so the options never tell who has one.
 */
export async function startPasskeySignIn(
  ctx: AuthContext,
  store: PasskeyStore,
  settings: ResolvedPasskeySettings,
  input: { email?: string | null | undefined },
  client: ClientInfo,
): Promise<PasskeyCeremony<PublicKeyCredentialRequestOptionsJSON>> {
  await hitLimit(ctx, 'passkey', client);
  let user: UserRecord | null = null;
  let named = false;
  if (input.email !== undefined && input.email !== null) {
    named = true;
    user = await ctx.stores.users.findUserByEmail(normalizeEmail(input.email));
  }
  // An unknown email still names "some user": a challenge bound to nobody would accept any passkey, so a
  // made-up user id that no passkey belongs to is bound instead. Its (empty) passkey list is read like a real
  // one, so known and unknown emails cost the same queries.
  const boundUser = named ? (user?.id ?? `unknown:${Buffer.from(ctx.randomBytes(9)).toString('base64url')}`) : null;
  const passkeys = boundUser !== null ? await store.listUserPasskeys(boundUser) : [];
  const challenge = await issueChallenge(ctx, store, settings.challengeTtlSeconds, 'authentication', boundUser);
  const options = await generateAuthenticationOptions({
    rpID: settings.rpId,
    // As bytes: a string would be taken as UTF-8 text and encoded again, and the browser would sign other bytes.
    challenge: new Uint8Array(Buffer.from(challenge.challenge, 'base64url')),
    timeout: settings.challengeTtlSeconds * 1000,
    userVerification: 'required',
    ...(named ? { allowCredentials: passkeys.map((p) => ({ id: p.id, transports: transportsOf(p.transports) })) } : {}),
  });
  return { challengeId: challenge.id, options };
}

export interface FinishSignInInput {
  challengeId: string;
  response: unknown;
}

/**
 * Verifies the authenticator's signature over the challenge with the stored public key and opens an ordinary
 * session, exactly as a password login does. Every failure answers the same `passkey_rejected`; the audit event
 * says which check refused it.
 */
export async function finishPasskeySignIn(
  ctx: AuthContext,
  store: PasskeyStore,
  settings: ResolvedPasskeySettings,
  input: FinishSignInInput,
  client: ClientInfo,
): Promise<{ user: UserRecord; tokens: IssuedTokens }> {
  await hitLimit(ctx, 'passkey', client);
  const response = readAuthenticationResponse(input.response);
  // Before the challenge is consumed and the counter moves: a sign-in refused for want of a proof
  // (TESSERA_DPOP=required) leaves the ceremony as it was, and the client can answer it again with a proof.
  sessionKeyFor(ctx, client);
  const fail = (details: Omit<Extract<AuthEventDetails, { type: 'passkey_login_failed' }>, 'type'>, error = rejected()): never => {
    emitEvent(ctx, client, { type: 'passkey_login_failed', ...details });
    throw error;
  };
  const challenge = await consumeChallenge(ctx, store, input.challengeId, 'authentication');
  if (challenge === null) return fail({ userId: null, passkeyId: response.id, reason: 'challenge' }, challengeRefused());
  const passkey = await store.findPasskey(response.id);
  // An email-first challenge accepts only that account's passkeys.
  if (passkey === null || (challenge.userId !== null && passkey.userId !== challenge.userId)) {
    return fail({ userId: null, passkeyId: response.id, reason: 'unknown_passkey' });
  }
  // A discoverable passkey also returns the user handle it was created with; it must name the same account.
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== Buffer.from(passkey.userId, 'utf8').toString('base64url')) {
    return fail({ userId: passkey.userId, passkeyId: passkey.id, reason: 'verification_failed' });
  }
  let verification;
  try {
    verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: [...settings.origins],
      expectedRPID: settings.rpId,
      credential: { id: passkey.id, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: transportsOf(passkey.transports) },
      // The library refuses a counter that did not grow (a cloned authenticator); UV makes the passkey a whole login.
      requireUserVerification: true,
    });
  } catch {
    return fail({ userId: passkey.userId, passkeyId: passkey.id, reason: 'verification_failed' });
  }
  if (!verification.verified) return fail({ userId: passkey.userId, passkeyId: passkey.id, reason: 'verification_failed' });
  // Compare-and-swap on the counter the check above used: two sign-ins racing with one counter value (a clone
  // used at the same moment) cannot both pass.
  const at = new Date(ctx.now());
  if (!(await store.recordPasskeyUse(passkey.id, passkey.counter, verification.authenticationInfo.newCounter, at))) {
    return fail({ userId: passkey.userId, passkeyId: passkey.id, reason: 'counter' });
  }
  const user = await ctx.stores.users.findUserById(passkey.userId);
  if (user === null) return fail({ userId: passkey.userId, passkeyId: passkey.id, reason: 'unknown_passkey' });
  // The same rule as a password login: a disabled account gets no session, and its owner is told why.
  if (user.disabledAt !== null) {
    return fail({ userId: user.id, passkeyId: passkey.id, reason: 'account_disabled' }, new TesseraError('account_disabled'));
  }
  const tokens = await startSession(ctx, user, client);
  const current = await ctx.stores.users.findUserById(user.id);
  if (current !== null && current.disabledAt !== null) {
    await revokeOneSession(ctx, tokens.sessionId, 'account_disabled');
    return fail({ userId: user.id, passkeyId: passkey.id, reason: 'account_disabled' }, new TesseraError('account_disabled'));
  }
  emitEvent(ctx, client, { type: 'passkey_login_succeeded', userId: user.id, passkeyId: passkey.id, sessionId: tokens.sessionId });
  return { user, tokens };
}

function rejected(): TesseraError {
  return new TesseraError('passkey_rejected', 'The passkey could not be verified.');
}
