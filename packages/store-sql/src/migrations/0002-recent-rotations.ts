import type { Kysely, Migration } from 'kysely';

/**
 * The session's recent rotations (JSON text, see encodeRecentRotations in @tessera/core), so a token of any
 * generation superseded inside the grace window can be led to the current secret. The single-rotation columns
 * stay and keep being written: a server of the previous version sharing the database during a rolling upgrade
 * still reads them. Rows rotated before this migration have NULL here and read back with their latest
 * rotation only. TEXT: a capped history stays under 2 KB, and MySQL has no VARCHAR long enough to be safe.
 */
export const recentRotationsMigration: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('tessera_sessions').addColumn('recent_rotations', 'text').execute();
  },

  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('tessera_sessions').dropColumn('recent_rotations').execute();
  },
};
