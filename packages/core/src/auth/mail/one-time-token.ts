import { createHash } from 'node:crypto';
import type { OneTimeTokenPurpose, OneTimeTokenRecord } from '../../store/types.js';
import type { AuthContext } from '../context.js';

/** 256 bits from the CSPRNG: a link cannot be guessed within any number of tries a rate limit allows. */
const TOKEN_BYTES = 32;
/** base64url of 32 bytes, nothing else: anything of another shape is refused before it reaches a store. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function hashOneTimeToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

export function isOneTimeTokenShape(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/**
 * Makes a fresh token for `purpose`, stores only its hash (killing the user's earlier tokens of that purpose),
 * and returns the token itself, which exists from then on only in the mail.
 */
export async function issueOneTimeToken(
  ctx: Pick<AuthContext, 'stores' | 'now' | 'randomBytes'>,
  purpose: OneTimeTokenPurpose,
  user: { id: string; email: string },
  ttlSeconds: number,
): Promise<string> {
  const token = Buffer.from(ctx.randomBytes(TOKEN_BYTES)).toString('base64url');
  const now = ctx.now();
  const record: OneTimeTokenRecord = {
    hash: hashOneTimeToken(token),
    purpose,
    userId: user.id,
    email: user.email,
    createdAt: new Date(now),
    expiresAt: new Date(now + ttlSeconds * 1000),
  };
  await ctx.stores.oneTimeTokens.issueOneTimeToken(record);
  return token;
}

/** The record of a token that was still valid, consumed now (it never works again); null for any bad token. */
export async function consumeOneTimeToken(
  ctx: Pick<AuthContext, 'stores' | 'now'>,
  purpose: OneTimeTokenPurpose,
  token: string,
): Promise<OneTimeTokenRecord | null> {
  if (!isOneTimeTokenShape(token)) return null;
  // Looked up by hash: the comparison happens inside the store's index on a value an attacker cannot steer toward
  // a stored hash, so there is no timing signal about a stored token's bytes.
  return ctx.stores.oneTimeTokens.consumeOneTimeToken(hashOneTimeToken(token), purpose, new Date(ctx.now()));
}
