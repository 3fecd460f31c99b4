import { setTimeout as delay } from 'node:timers/promises';
import type { Transaction } from 'kysely';
import { isRetryableConflict } from './errors.js';
import type { Db, TesseraDatabase } from './schema.js';

const ATTEMPTS = 5;

/**
 * Runs `work` in one transaction. A deadlock or serialization failure (the database rolled the whole
 * transaction back, so nothing happened) is retried a few times with a short jittered pause; anything else
 * propagates. `work` must therefore be safe to run again from the start.
 */
export async function transact<T>(db: Db, work: (trx: Transaction<TesseraDatabase>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= ATTEMPTS || !isRetryableConflict(error)) throw error;
      await delay(attempt * 5 + Math.floor(Math.random() * 10));
    }
  }
}
