import { TesseraError } from '../../errors.js';
import { normalizeEmail } from '../../input/email.js';
import type { UserRecord } from '../../store/types.js';
import type { AuthContext } from '../context.js';

/** Longer than any id a store holds (the SQL column is 255 characters): no lookup needed to say "no such user". */
const MAX_ID_LENGTH = 255;

/** A user as an administrator sees it: roles and status, never the password hash. */
export interface AdminUserView {
  id: string;
  email: string;
  name: string | null;
  roles: string[];
  createdAt: string;
  updatedAt: string;
  /** ISO time the account was disabled; null while it is enabled. */
  disabledAt: string | null;
}

export function toAdminUser(user: UserRecord): AdminUserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: [...user.roles],
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
    disabledAt: user.disabledAt?.toISOString() ?? null,
  };
}

/** The user an admin operation is about, by id or by email (anything with an `@`); 404 `not_found` otherwise. */
export async function findTarget(ctx: Pick<AuthContext, 'stores'>, idOrEmail: string): Promise<UserRecord> {
  const user = idOrEmail.includes('@')
    ? await ctx.stores.users.findUserByEmail(normalizeEmail(idOrEmail))
    : idOrEmail.length > 0 && idOrEmail.length <= MAX_ID_LENGTH
      ? await ctx.stores.users.findUserById(idOrEmail)
      : null;
  if (!user) throw notFound();
  return user;
}

export function notFound(): TesseraError {
  return new TesseraError('not_found', 'There is no such user.');
}
