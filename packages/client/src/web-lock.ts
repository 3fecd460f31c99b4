import type { TabLock } from './broadcast-lock.js';

/**
 * The refresh lock over the Web Locks API, with notes that outlive the holder's turn.
 *
 * Why notes: the lock and the token the holder shares (over a BroadcastChannel, just before it lets go) travel
 * by different channels, in no promised order. The next tab in line is often granted the lock before that
 * message arrives; it still holds the old token, and refreshing would rotate the cookie a second time — or,
 * worse, its answer arrived after the shared token and was thrown away with the request that was waiting for
 * it. The lock manager is one place every tab sees in the same state, so the holder leaves its note there: a
 * lock named after the `jti` of the token it replaced, held until its next note (or until the tab closes). A
 * tab reads the notes (`query()`) when it asks for the lock and again once it has it: a note that appeared
 * meanwhile, or one naming its own token, means another tab refreshed, and it waits for that tab's message.
 */
export function createWebLock(locks: LockManager, name: string): TabLock {
  const prefix = `${name}-replaced:`;
  let releaseNote: (() => void) | null = null;
  let mine: string | null = null;

  const dropNote = () => {
    const release = releaseNote;
    releaseNote = null;
    mine = null;
    release?.();
  };

  return {
    run: <T>(task: () => Promise<T>) => locks.request(name, () => task()) as Promise<T>,

    noteReplaced(tokenId) {
      // Already this tab's note: letting go and taking it again could lose it to the release in between.
      if (mine === tokenId) return Promise.resolve();
      dropNote();
      // Resolves once the lock manager holds the note, so the holder lets go of the refresh lock only after it.
      return new Promise<void>((noted) => {
        const requested = locks.request(`${prefix}${tokenId}`, { ifAvailable: true }, (lock) => {
          noted();
          // Not available: another tab already left this very note, which says the same.
          if (lock === null) return undefined;
          mine = tokenId;
          return new Promise<void>((release) => (releaseNote = release));
        });
        requested.catch(() => noted());
      });
    },

    // Never rejects (a refresh reads it without always waiting for it): no answer means no notes to go by.
    async notes() {
      if (typeof locks.query !== 'function') return null;
      try {
        const { held = [] } = await locks.query();
        const ids = held.flatMap((lock) => (lock.name?.startsWith(prefix) ? [lock.name.slice(prefix.length)] : []));
        return new Set(ids.filter((id) => id !== mine));
      } catch {
        return null;
      }
    },

    close: dropNote,
  };
}
