import { Buffer } from 'node:buffer';
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { currentUser } from '../auth/account.js';
import type { AuthContext, ClientInfo } from '../auth/context.js';
import { emitEvent } from '../auth/events.js';
import { hitLimit } from '../auth/limit-checks.js';
import { TesseraError } from '../errors.js';
import { normalizeName } from '../input/name.js';
import type { PasskeyStore } from '../store/passkey-types.js';
import type { AccessTokenClaims } from '../token/types.js';
import { challengeRefused, consumeChallenge, issueChallenge } from './challenge.js';
import { readRegistrationResponse } from './response-shape.js';
import type { ResolvedPasskeySettings } from './resolved-settings.js';
import { toPasskeyView, type PasskeyView } from './view.js';

export interface PasskeyCeremony<T> {
  /** Sent back with the answer: names the stored challenge. */
  challengeId: string;
  /** For `navigator.credentials` (pass to @simplewebauthn/browser's startRegistration / startAuthentication). */
  options: T;
}

/** Options to create a passkey for the signed-in user; the user's existing passkeys are excluded. */
export async function startPasskeyRegistration(
  ctx: AuthContext,
  store: PasskeyStore,
  settings: ResolvedPasskeySettings,
  claims: AccessTokenClaims,
  client: ClientInfo,
): Promise<PasskeyCeremony<PublicKeyCredentialCreationOptionsJSON>> {
  await hitLimit(ctx, 'passkey', client);
  const user = await currentUser(ctx, claims);
  const existing = await store.listUserPasskeys(user.id);
  const challenge = await issueChallenge(ctx, store, settings.challengeTtlSeconds, 'registration', user.id);
  const options = await generateRegistrationOptions({
    rpName: settings.rpName,
    rpID: settings.rpId,
    userName: user.email,
    userDisplayName: user.name ?? user.email,
    // The user handle a discoverable passkey gives back at sign-in: the user id, never the email.
    userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
    // As bytes: a string would be taken as UTF-8 text and encoded again, and the browser would sign other bytes.
    challenge: new Uint8Array(Buffer.from(challenge.challenge, 'base64url')),
    timeout: settings.challengeTtlSeconds * 1000,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: transportsOf(p.transports) })),
    // Discoverable ("resident") credentials are what makes sign-in usernameless; user verification (a PIN or
    // biometric on the device) is what makes a passkey a whole login rather than a second factor.
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  return { challengeId: challenge.id, options };
}

export interface FinishRegistrationInput {
  challengeId: string;
  response: unknown;
  name?: string | null | undefined;
}

/** Verifies the authenticator's answer and stores the passkey for the signed-in user. */
export async function finishPasskeyRegistration(
  ctx: AuthContext,
  store: PasskeyStore,
  settings: ResolvedPasskeySettings,
  claims: AccessTokenClaims,
  input: FinishRegistrationInput,
  client: ClientInfo,
): Promise<PasskeyView> {
  await hitLimit(ctx, 'passkey', client);
  const response = readRegistrationResponse(input.response);
  const name = normalizeName(input.name) ?? 'Passkey';
  const user = await currentUser(ctx, claims);
  const challenge = await consumeChallenge(ctx, store, input.challengeId, 'registration');
  // A registration challenge is the user's own: another account's challenge (leaked, or fished for) cannot be
  // used to bind a passkey to this one.
  if (challenge === null || challenge.userId !== user.id) throw challengeRefused();
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge.challenge,
      expectedOrigin: [...settings.origins],
      expectedRPID: settings.rpId,
      requireUserVerification: true,
    });
  } catch {
    throw rejected();
  }
  if (!verification.verified) throw rejected();
  const info = verification.registrationInfo;
  const now = new Date(ctx.now());
  const added = await store.addPasskey({
    id: info.credential.id,
    userId: user.id,
    publicKey: Buffer.from(info.credential.publicKey).toString('base64url'),
    counter: info.credential.counter,
    transports: [...(info.credential.transports ?? [])],
    deviceType: info.credentialDeviceType,
    backedUp: info.credentialBackedUp,
    name,
    createdAt: now,
    lastUsedAt: null,
  });
  if (!added) throw new TesseraError('passkey_rejected', 'This passkey is already registered.');
  const passkey = await store.findPasskey(info.credential.id);
  if (passkey === null) throw new TesseraError('internal_error');
  emitEvent(ctx, client, { type: 'passkey_registered', userId: user.id, passkeyId: passkey.id });
  return toPasskeyView(passkey);
}

function rejected(): TesseraError {
  return new TesseraError('passkey_rejected', 'The passkey could not be verified; try again.');
}

type Transport = NonNullable<Parameters<typeof generateRegistrationOptions>[0]['excludeCredentials']>[number]['transports'];

export function transportsOf(stored: readonly string[]): Transport {
  return [...stored] as Transport;
}
