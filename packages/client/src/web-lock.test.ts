import { describe, expect, it } from 'vitest';
import { createWebLock } from './web-lock.js';

// Node has no Web Locks: a lock manager of a few lines stands in for the notes' bookkeeping here. That the notes
// keep two real tabs to one rotation is shown in Chromium (e2e/browser/races.test.ts).

function fakeLockManager() {
  const held = new Set<string>();
  const request = async (name: string, ...rest: unknown[]) => {
    const [options, callback] = (rest.length === 1 ? [{}, rest[0]] : rest) as [{ ifAvailable?: boolean }, (lock: { name: string } | null) => unknown];
    if (options.ifAvailable && held.has(name)) return callback(null);
    held.add(name);
    try {
      return await callback({ name });
    } finally {
      held.delete(name);
    }
  };
  return { held, manager: { request, query: async () => ({ held: [...held].map((name) => ({ name })), pending: [] }) } as unknown as LockManager };
}

describe('createWebLock', () => {
  it('leaves a note per replaced token that the other tabs read, one note per tab at a time, gone when the tab closes', async () => {
    const { held, manager } = fakeLockManager();
    const tabA = createWebLock(manager, 'tessera-refresh');
    const tabB = createWebLock(manager, 'tessera-refresh');
    await expect(tabA.run(async () => 'ran')).resolves.toBe('ran');
    expect(await tabB.notes()).toEqual(new Set());

    await tabA.run(() => tabA.noteReplaced('jti-1'));
    expect(await tabB.notes()).toEqual(new Set(['jti-1']));
    // A tab's own note is not news to it.
    expect(await tabA.notes()).toEqual(new Set());

    // The same note again keeps it (letting go first could lose it to the release in between).
    await tabA.noteReplaced('jti-1');
    await Promise.resolve();
    expect(await tabB.notes()).toEqual(new Set(['jti-1']));
    // A tab's next note replaces its previous one.
    await tabA.noteReplaced('jti-2');
    await Promise.resolve();
    expect([...held]).toEqual(['tessera-refresh-replaced:jti-2']);
    // The same note from a second tab is not an error: it says the same thing.
    await tabB.noteReplaced('jti-2');
    expect(await tabB.notes()).toEqual(new Set(['jti-2']));

    const broken = createWebLock({ ...manager, query: () => Promise.reject(new Error('gone')) } as LockManager, 'tessera-refresh');
    await expect(broken.notes()).resolves.toBeNull();

    tabA.close();
    tabB.close();
    await Promise.resolve();
    expect([...held]).toEqual([]);
  });
});
