import type { UserStore } from '@tessera/core';
import { sql } from 'kysely';
import { withStoreErrors, isUniqueViolation } from './errors.js';
import { toMillis, toMillisOrNull, toUser } from './rows.js';
import type { Db } from './schema.js';

/** Large enough to mean "no limit" on every dialect (MySQL cannot OFFSET without a LIMIT). */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

export function createSqlUserStore(db: Db): UserStore {
  return {
    /** One INSERT; the unique index on email makes check-and-insert atomic, and a violation is just `false`. */
    createUser: (user) =>
      withStoreErrors(async () => {
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
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_users').selectAll().where('id', '=', id).executeTakeFirst();
        return row ? toUser(row) : null;
      }),

    findUserByEmail: (email) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_users').selectAll().where('email', '=', email).executeTakeFirst();
        return row ? toUser(row) : null;
      }),

    listUsers: (options = {}) =>
      withStoreErrors(async () => {
        let query = db.selectFrom('tessera_users').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
        if (options.emailContains !== undefined) {
          // LIKE with the text's own wildcards escaped, so "_" and "%" match only themselves. The escape character
          // is "!", not a backslash, whose meaning inside a string literal differs between MySQL and the others.
          const pattern = `%${options.emailContains.replace(/[!%_]/g, (c) => `!${c}`)}%`;
          query = query.where(sql<boolean>`${sql.ref('email')} like ${pattern} escape '!'`);
        }
        if (options.limit !== undefined || options.offset !== undefined) query = query.limit(options.limit ?? NO_LIMIT);
        if (options.offset !== undefined) query = query.offset(options.offset);
        return (await query.execute()).map(toUser);
      }),

    updatePasswordHash: (userId, passwordHash, at) =>
      withStoreErrors(async () => {
        // Matched rows, not changed rows: mysql2 connects with CLIENT_FOUND_ROWS, so setting the same values
        // still counts the user as found.
        const result = await db
          .updateTable('tessera_users')
          .set({ password_hash: passwordHash, updated_at: toMillis(at) })
          .where('id', '=', userId)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      }),

    /** One UPDATE of both columns: atomic on every dialect. Matched rows count (see updatePasswordHash). */
    updateUserRoles: (userId, roles, at) =>
      withStoreErrors(async () => {
        const result = await db
          .updateTable('tessera_users')
          .set({ roles: JSON.stringify(roles), updated_at: toMillis(at) })
          .where('id', '=', userId)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      }),

    setUserDisabled: (userId, disabledAt, at) =>
      withStoreErrors(async () => {
        const result = await db
          .updateTable('tessera_users')
          .set({ disabled_at: toMillisOrNull(disabledAt), updated_at: toMillis(at) })
          .where('id', '=', userId)
          .executeTakeFirst();
        return result.numUpdatedRows > 0n;
      }),

    /** One UPDATE; the unique index on email decides a race for the same address, as in createUser. */
    updateUserEmail: (userId, email, at) =>
      withStoreErrors(async () => {
        try {
          const result = await db
            .updateTable('tessera_users')
            .set({ email, updated_at: toMillis(at) })
            .where('id', '=', userId)
            .executeTakeFirst();
          return result.numUpdatedRows > 0n ? 'changed' : 'not_found';
        } catch (error) {
          if (isUniqueViolation(error)) return 'taken';
          throw error;
        }
      }),
  };
}
