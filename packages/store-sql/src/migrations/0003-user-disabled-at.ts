import type { Kysely, Migration } from 'kysely';

/**
 * When an administrator disabled the account (BIGINT milliseconds), NULL while it is enabled. Nullable with no
 * default, so existing rows read back as enabled and a server of the previous version sharing the database during
 * a rolling upgrade keeps writing users it does not know this column for.
 */
export const userDisabledAtMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tessera_users').addColumn('disabled_at', 'bigint').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('tessera_users').dropColumn('disabled_at').execute();
  },
};
