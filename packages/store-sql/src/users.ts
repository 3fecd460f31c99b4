import type { UserStore } from '@tessera/core';
import { guard, isUniqueViolation } from './errors.js';
import { toMillis, toUser } from './rows.js';
import type { Db } from './schema.js';

/** Large enough to mean "no limit" on every dialect (MySQL cannot OFFSET without a LIMIT). */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export function createSqlUserStore(db: Db): UserStore {
  return {
    /** One INSERT; the unique index on email makes check-and-insert atomic, and a violation is just `false`. */
    createUser: (user) =>
      guard(async () => {
        try {
          await db
            .insertInto('tessera_users')
            .values({
              id: user.id,
              email: user.email,
              name: user.name,
              password_hash: user.passwordHash,
              roles: JSON.stringify(user.roles),
              created_at: toMillis(user.createdAt),
              updated_at: toMillis(user.createdAt),
            })
            .execute();
          return true;
        } catch (error) {
          if (isUniqueViolation(error)) return false;
          throw error;
        }
      }),

    findUserById: (id) =>
      guard(async () => {
        const row = await db.selectFrom('tessera_users').selectAll().where('id', '=', id).executeTakeFirst();
        return row ? toUser(row) : null;
      }),

    findUserByEmail: (email) =>
      guard(async () => {
        const row = await db.selectFrom('tessera_users').selectAll().where('email', '=', email).executeTakeFirst();
        return row ? toUser(row) : null;
      }),

    listUsers: (options = {}) =>
      guard(async () => {
        let query = db.selectFrom('tessera_users').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
        if (options.limit !== undefined || options.offset !== undefined) query = query.limit(options.limit ?? NO_LIMIT);
        if (options.offset !== undefined) query = query.offset(options.offset);
        return (await query.execute()).map(toUser);
      }),

    updatePasswordHash: (userId, passwordHash, at) =>
      guard(async () => {
        // Matched rows, not changed rows: mysql2 connects with CLIENT_FOUND_ROWS, so setting the same values
        // still counts the user as found.
        const result = await db
          .updateTable('tessera_users')
          .set({ password_hash: passwordHash, updated_at: toMillis(at) })
          .where('id', '=', userId)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      }),
  };
}
