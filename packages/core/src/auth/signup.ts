import { TesseraError } from '../errors.js';
import { hashPassword } from '../password/hash.js';
import { normalizeEmail } from '../input/email.js';
import { normalizeName } from '../input/name.js';
import { checkPasswordPolicy } from '../password/policy.js';
import type { UserRecord } from '../store/types.js';
import type { AuthContext, ClientInfo, IssuedTokens } from './context.js';
import { emitEvent } from './events.js';
import { hitLimit } from './limit-checks.js';
import { sendVerificationEmail } from './mail/email-verification.js';
import { sessionKeyFor, startSession } from './start-session.js';

export interface SignupInput {
  email: string;
  password: string;
  name?: string | null | undefined;
}

/** RFC 4122 version-4 layout over bytes from the injected CSPRNG. */
export function createUserId(randomBytes: (size: number) => Uint8Array): string {
  const bytes = Buffer.from(randomBytes(16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Creates the account (roles are never taken from the request) and opens its first session. Counted per client
 * address: the 409 for a taken email is the one answer that says an account exists, so probing it is limited.
 */
export async function signup(ctx: AuthContext, input: SignupInput, client: ClientInfo): Promise<{ user: UserRecord; tokens: IssuedTokens }> {
  sessionKeyFor(ctx, client);
  await hitLimit(ctx, 'signup', client);
  const user = await createUser(ctx, { email: input.email, password: input.password, name: input.name ?? null, roles: [] });
  const tokens = await startSession(ctx, user, client);
  emitEvent(ctx, client, { type: 'signup', userId: user.id, email: user.email, sessionId: tokens.sessionId });
  await sendVerificationEmail(ctx, user, client);
  return { user, tokens };
}

/** Validates, hashes and inserts a user; shared by signup and `tessera users create`. */
export async function createUser(
  ctx: Pick<AuthContext, 'stores' | 'now' | 'randomBytes'>,
  input: { email: string; password: string; name: string | null; roles: string[] },
): Promise<UserRecord> {
  // Every field is checked before anything is hashed or stored: no input reaches a store that cannot hold it.
  const email = normalizeEmail(input.email);
  const name = normalizeName(input.name);
  checkPasswordPolicy(input.password, 'password', email);
  const now = new Date(ctx.now());
  const user: UserRecord = {
    id: createUserId(ctx.randomBytes),
    email,
    name,
    passwordHash: await hashPassword(input.password),
    roles: [...input.roles],
    createdAt: now,
    updatedAt: now,
    disabledAt: null,
  };
  // The unique index decides, atomically: two racing signups with one email never both succeed.
  if (!(await ctx.stores.users.createUser(user))) throw new TesseraError('email_taken');
  return user;
}
