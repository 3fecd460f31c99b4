import type { NewUser, UserRecord, UserStore } from '../types.js';
import { copy, newestFirst } from './clone.js';

/**
 * Users in a Map. Every method runs synchronously inside its promise, so each is atomic: the email check and
 * the insert in `createUser` cannot interleave with another call.
 */
export function createMemoryUserStore(): UserStore {
  const byId = new Map<string, UserRecord>();
  const idByEmail = new Map<string, string>();

  return {
    async createUser(user: NewUser) {
      if (idByEmail.has(user.email) || byId.has(user.id)) return false;
      const record: UserRecord = { ...copy(user), updatedAt: new Date(user.createdAt.getTime()), disabledAt: null };
      byId.set(record.id, record);
      idByEmail.set(record.email, record.id);
      return true;
    },
    async findUserById(id) {
      const user = byId.get(id);
      return user ? copy(user) : null;
    },
    async findUserByEmail(email) {
      const id = idByEmail.get(email);
      const user = id === undefined ? undefined : byId.get(id);
      return user ? copy(user) : null;
    },
    async listUsers(options = {}) {
      const { emailContains } = options;
      const matching = emailContains === undefined ? [...byId.values()] : [...byId.values()].filter((u) => u.email.includes(emailContains));
      const sorted = matching.sort(newestFirst((u) => u.id));
      const offset = options.offset ?? 0;
      const end = options.limit === undefined ? undefined : offset + options.limit;
      return sorted.slice(offset, end).map(copy);
    },
    async updatePasswordHash(userId, passwordHash, at) {
      const user = byId.get(userId);
      if (!user) return false;
      user.passwordHash = passwordHash;
      user.updatedAt = new Date(at.getTime());
      return true;
    },
    async updateUserRoles(userId, roles, at) {
      const user = byId.get(userId);
      if (!user) return false;
      user.roles = [...roles];
      user.updatedAt = new Date(at.getTime());
      return true;
    },
    async setUserDisabled(userId, disabledAt, at) {
      const user = byId.get(userId);
      if (!user) return false;
      user.disabledAt = disabledAt === null ? null : new Date(disabledAt.getTime());
      user.updatedAt = new Date(at.getTime());
      return true;
    },
    async updateUserEmail(userId, email, at) {
      const user = byId.get(userId);
      if (!user) return 'not_found';
      const holder = idByEmail.get(email);
      if (holder !== undefined && holder !== userId) return 'taken';
      idByEmail.delete(user.email);
      idByEmail.set(email, userId);
      user.email = email;
      user.updatedAt = new Date(at.getTime());
      return 'changed';
    },
  };
}
