import { Buffer } from 'node:buffer';
import { TesseraError } from '../errors.js';
import type { AuthContext } from '../auth/context.js';
import type { PasskeyChallenge } from '../store/passkey-types.js';
import type { PasskeyStore } from '../store/passkey-types.js';

const ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;

/** A fresh ceremony challenge: 256 random bits, and a separate 128-bit id the client hands back. */
export async function issueChallenge(
  ctx: AuthContext,
  store: PasskeyStore,
  ttlSeconds: number,
  purpose: PasskeyChallenge['purpose'],
  userId: string | null,
): Promise<PasskeyChallenge> {
  const challenge: PasskeyChallenge = {
    id: Buffer.from(ctx.randomBytes(16)).toString('base64url'),
    challenge: Buffer.from(ctx.randomBytes(32)).toString('base64url'),
    purpose,
    userId,
    expiresAt: new Date(ctx.now() + ttlSeconds * 1000),
  };
  await store.createPasskeyChallenge(challenge);
  return challenge;
}

/**
 * Takes the challenge out of the store before anything is verified: a captured answer replayed later (or twice
 * at once) finds no challenge, because only one consume ever gets it. An unknown, expired or used challenge, or
 * one issued for the other ceremony, is `null`.
 */
export async function consumeChallenge(
  ctx: AuthContext,
  store: PasskeyStore,
  id: string,
  purpose: PasskeyChallenge['purpose'],
): Promise<PasskeyChallenge | null> {
  // An id we could never have issued reaches no store (a NUL byte would be a PostgreSQL error).
  if (!ID_SHAPE.test(id)) return null;
  const challenge = await store.consumePasskeyChallenge(id, new Date(ctx.now()));
  return challenge !== null && challenge.purpose === purpose ? challenge : null;
}

export function challengeRefused(): TesseraError {
  return new TesseraError('passkey_rejected', 'This passkey request has expired or was already used; start again.');
}
