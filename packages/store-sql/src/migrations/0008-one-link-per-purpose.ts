import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

type Tokens = { tessera_one_time_tokens: { hash: string; user_id: string; purpose: string; created_at: number } };

/**
 * At most one live link per user and purpose, by a unique index: issuing a link becomes one upsert, so two
 * requests at the same instant can no longer both leave a working link (delete-then-insert in two concurrent
 * transactions could). Duplicates such a race left behind are dropped first, keeping each pair's newest link.
 */
export function oneLinkPerPurposeMigration(dialect: SqlDialect): Migration {
  // DROP INDEX names its table on MySQL only; PostgreSQL and SQLite index names are schema-wide.
  const dropIndex = (db: Kysely<unknown>, name: string) => {
    const drop = db.schema.dropIndex(name);
    return (dialect === 'mysql' ? drop.on('tessera_one_time_tokens') : drop).execute();
  };

  return {
    async up(db: Kysely<unknown>) {
      const tokens = db as unknown as Kysely<Tokens>;
      const rows = await tokens
        .selectFrom('tessera_one_time_tokens')
        .select(['hash', 'user_id', 'purpose'])
        .orderBy('created_at', 'desc')
        .orderBy('hash', 'desc')
        .execute();
      const kept = new Set<string>();
      const dropped: string[] = [];
      for (const row of rows) {
        const pair = `${row.user_id}\u0000${row.purpose}`;
        if (kept.has(pair)) dropped.push(row.hash);
        else kept.add(pair);
      }
      for (let i = 0; i < dropped.length; i += 500) {
        await tokens.deleteFrom('tessera_one_time_tokens').where('hash', 'in', dropped.slice(i, i + 500)).execute();
      }
      await dropIndex(db, 'tessera_one_time_tokens_user_idx');
      await db.schema.createIndex('tessera_one_time_tokens_user_key').on('tessera_one_time_tokens').columns(['user_id', 'purpose']).unique().execute();
    },

    async down(db: Kysely<unknown>) {
      await dropIndex(db, 'tessera_one_time_tokens_user_key');
      await db.schema.createIndex('tessera_one_time_tokens_user_idx').on('tessera_one_time_tokens').columns(['user_id', 'purpose']).execute();
    },
  };
}
