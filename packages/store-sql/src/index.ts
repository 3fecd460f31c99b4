export * from './create-sql-stores.js';
export * from './url.js';
export { tesseraMigrations } from './migrate.js';
export type { SqlDialect, TesseraDatabase } from './schema.js';
