import type { PasskeyChallenge, PasskeyRecord, PasskeyStore } from '@tessera/core';
import { isUniqueViolation, withStoreErrors } from './errors.js';
import { toDate, toDateOrNull, toMillis, toMillisOrNull } from './rows.js';
import type { Db } from './schema.js';
import type { Selectable } from 'kysely';
import type { PasskeyChallengesTable, PasskeysTable } from './schema.js';

export function createSqlPasskeyStore(db: Db): PasskeyStore {
  return {
    /** One INSERT; the primary key makes a second registration of one credential id a plain `false`. */
    addPasskey: (passkey) =>
      withStoreErrors(async () => {
        try {
          await db
            .insertInto('tessera_passkeys')
            .values({
              id: passkey.id,
              user_id: passkey.userId,
              public_key: passkey.publicKey,
              counter: passkey.counter,
              transports: JSON.stringify(passkey.transports),
              device_type: passkey.deviceType,
              backed_up: passkey.backedUp ? 1 : 0,
              name: passkey.name,
              created_at: toMillis(passkey.createdAt),
              last_used_at: toMillisOrNull(passkey.lastUsedAt),
            })
            .execute();
          return true;
        } catch (error) {
          if (isUniqueViolation(error)) return false;
          throw error;
        }
      }),

    findPasskey: (id) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_passkeys').selectAll().where('id', '=', id).executeTakeFirst();
        return row ? toPasskey(row) : null;
      }),

    listUserPasskeys: (userId) =>
      withStoreErrors(async () => {
        const rows = await db.selectFrom('tessera_passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at', 'asc').orderBy('id', 'asc').execute();
        return rows.map(toPasskey);
      }),

    /** One conditional UPDATE: the row changes only while its counter is still the one the caller verified against. */
    recordPasskeyUse: (id, expectedCounter, newCounter, at) =>
      withStoreErrors(async () => {
        const result = await db
          .updateTable('tessera_passkeys')
          .set({ counter: newCounter, last_used_at: toMillis(at) })
          .where('id', '=', id)
          .where('counter', '=', expectedCounter)
          .executeTakeFirst();
        return Number(result.numUpdatedRows) === 1;
      }),

    deletePasskey: (userId, id) =>
      withStoreErrors(async () => {
        const result = await db.deleteFrom('tessera_passkeys').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
        return Number(result.numDeletedRows) === 1;
      }),

    createPasskeyChallenge: (challenge) =>
      withStoreErrors(async () => {
        await db
          .insertInto('tessera_passkey_challenges')
          .values({
            id: challenge.id,
            challenge: challenge.challenge,
            purpose: challenge.purpose,
            user_id: challenge.userId,
            expires_at: toMillis(challenge.expiresAt),
          })
          .execute();
      }),

    /**
     * Read, then DELETE by id: however many callers read the row, the database deletes it once, and only the
     * caller whose DELETE removed it gets the challenge (portable: MySQL has no DELETE … RETURNING).
     */
    consumePasskeyChallenge: (id, now) =>
      withStoreErrors(async () => {
        const row = await db.selectFrom('tessera_passkey_challenges').selectAll().where('id', '=', id).executeTakeFirst();
        if (!row) return null;
        const result = await db.deleteFrom('tessera_passkey_challenges').where('id', '=', id).executeTakeFirst();
        if (Number(result.numDeletedRows) !== 1) return null;
        const challenge = toChallenge(row);
        return challenge.expiresAt.getTime() <= now.getTime() ? null : challenge;
      }),

    deleteExpiredPasskeyChallenges: (before) =>
      withStoreErrors(async () => {
        const result = await db.deleteFrom('tessera_passkey_challenges').where('expires_at', '<', toMillis(before)).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
  };
}

function toPasskey(row: Selectable<PasskeysTable>): PasskeyRecord {
  const transports: unknown = JSON.parse(row.transports);
  if (!Array.isArray(transports) || !transports.every((t): t is string => typeof t === 'string')) {
    throw new TypeError('Stored passkey transports are not a JSON array of strings.');
  }
  if (row.device_type !== 'singleDevice' && row.device_type !== 'multiDevice') throw new TypeError('A stored passkey has an unknown device type.');
  return {
    id: row.id,
    userId: row.user_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports,
    deviceType: row.device_type,
    backedUp: Number(row.backed_up) === 1,
    name: row.name,
    createdAt: toDate(row.created_at),
    lastUsedAt: toDateOrNull(row.last_used_at),
  };
}

function toChallenge(row: Selectable<PasskeyChallengesTable>): PasskeyChallenge {
  if (row.purpose !== 'registration' && row.purpose !== 'authentication') throw new TypeError('A stored challenge has an unknown purpose.');
  return { id: row.id, challenge: row.challenge, purpose: row.purpose, userId: row.user_id, expiresAt: toDate(row.expires_at) };
}
