import type { KeyStore, StoredKey } from '../types.js';
import { compare, copy } from './clone.js';

/** Keys in a Map; `addSigningKey` retires and inserts in one synchronous step. */
export function createMemoryKeyStore(): KeyStore {
  const keys = new Map<string, StoredKey>();

  return {
    async listKeys() {
      return [...keys.values()]
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compare(a.kid, b.kid))
        .map(copy);
    },
    async addSigningKey(key, options) {
      if (keys.has(key.kid)) throw new Error('A key with this kid already exists.');
      if (options?.replacing !== undefined) {
        const signing = [...keys.values()].find((existing) => existing.retiredAt === null);
        if (signing?.kid !== options.replacing) return false;
      }
      for (const existing of keys.values()) {
        if (existing.retiredAt === null) existing.retiredAt = new Date(key.createdAt.getTime());
      }
      keys.set(key.kid, copy(key));
      return true;
    },
    async deleteRetiredKey(kid) {
      const key = keys.get(kid);
      if (key === undefined || key.retiredAt === null) return false;
      return keys.delete(kid);
    },
    async deleteRetiredKeys(before) {
      let deleted = 0;
      for (const [kid, key] of keys) {
        if (key.retiredAt !== null && key.retiredAt < before) {
          keys.delete(kid);
          deleted += 1;
        }
      }
      return deleted;
    },
  };
}
