import { loadConfig } from '@tessera/server';
import { createSqlStores } from '@tessera/store-sql';
import type { Command } from '../command.js';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create or upgrade the database tables',
  usage: 'tessera migrate\n\nApplies pending migrations to TESSERA_DATABASE_URL. Safe to run again, and from two places at once.',
  async run(_args, io) {
    const config = loadConfig(io.env, io.cwd);
    const stores = await createSqlStores(config.databaseUrl, { migrate: false });
    try {
      await stores.migrate();
    } finally {
      await stores.close();
    }
    io.out(`Migrations are up to date (${stores.dialect}).`);
    return 0;
  },
};
