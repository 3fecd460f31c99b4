import type { Kysely, Migration } from 'kysely';

/**
 * The RFC 7638 thumbprint (43 base64url characters) of the key a session is bound to by DPoP, NULL for a bearer
 * session. Nullable with no default, so existing sessions read back as bearer sessions and a server of the
 * previous version sharing the database during a rolling upgrade keeps writing sessions it does not know this
 * column for (which are then bearer sessions).
 */
export const sessionDpopJktMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tessera_sessions').addColumn('dpop_jkt', 'varchar(64)').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('tessera_sessions').dropColumn('dpop_jkt').execute();
  },
};
