import type { TabLock } from './broadcast-lock.js';

/**
 * The refresh lock over the Web Locks API, with notes that outlive the holder's turn.
 *
 * Why notes: the lock and the token the holder shares (over a BroadcastChannel, just before it lets go) travel
 * by different channels, in no promised order. The next tab in line is often granted the lock before that
 * message arrives; it still holds the old token, and refreshing would rotate the cookie a second time — or,
 * worse, its answer arrived after the shared token and was thrown away with the request that was waiting for
 * it. The lock manager is one place every tab sees in the same state, so the holder leaves its note there: a
 * lock named after the `jti` of the token it replaced, held until its next note (or until the tab closes). The
 * next tab finds it with `query()` and waits for the message instead of refreshing.
 */
export function createWebLock(locks: LockManager, name: string): TabLock {
  const noteName = (tokenId: string) => `${name}-replaced:${tokenId}`;
  let releaseNote: (() => void) | null = null;

  const dropNote = () => {
    const release = releaseNote;
    releaseNote = null;
    release?.();
  };

  return {
    run: <T>(task: () => Promise<T>) => locks.request(name, () => task()) as Promise<T>,

    noteReplaced(tokenId) {
      dropNote();
      // Resolves once the lock manager holds the note, so the holder lets go of the refresh lock only after it.
      return new Promise<void>((noted) => {
        const requested = locks.request(noteName(tokenId), { ifAvailable: true }, (lock) => {
          noted();
          // Not available: another tab already left this very note, which says the same.
          if (lock === null) return undefined;
          return new Promise<void>((release) => (releaseNote = release));
        });
        requested.catch(() => noted());
      });
    },

    async wasReplaced(tokenId) {
      if (typeof locks.query !== 'function') return false;
      const wanted = noteName(tokenId);
      const { held = [] } = await locks.query();
      return held.some((lock) => lock.name === wanted);
    },

    close: dropNote,
  };
}
