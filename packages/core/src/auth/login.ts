import { TesseraError } from '../errors.js';
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../password/hash.js';
import { normalizeEmail } from '../password/policy.js';
import type { UserRecord } from '../store/types.js';
import type { AuthContext, ClientInfo, IssuedTokens } from './context.js';
import { startSession } from './start-session.js';

export interface LoginInput {
  email: string;
  password: string;
}

/**
 * Checks the password and opens a session. An unknown email is verified against a dummy hash, so it costs the
 * same time as a wrong password and gets the same error: neither the body nor the timing tells an attacker
 * which emails have accounts.
 */
export async function login(ctx: AuthContext, input: LoginInput, client: ClientInfo): Promise<{ user: UserRecord; tokens: IssuedTokens }> {
  const email = normalizeEmail(input.email);
  const user = await ctx.stores.users.findUserByEmail(email);
  const matches = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !matches) throw new TesseraError('invalid_credentials');
  if (needsRehash(user.passwordHash)) {
    // Imported bcrypt hashes (and older parameters) are upgraded the first time the password is seen.
    await ctx.stores.users.updatePasswordHash(user.id, await hashPassword(input.password), new Date(ctx.now()));
  }
  const tokens = await startSession(ctx, user, client);
  return { user, tokens };
}
