import { createBroadcastLock, type ChannelLike, type TabLock } from './broadcast-lock.js';
import { createWebLock } from './web-lock.js';

export const LOCK_NAME = 'tessera-refresh';

export interface TabLockOptions {
  crossTab: boolean;
  now: () => number;
  /** Default: `navigator.locks` when present. Null forces the BroadcastChannel fallback. */
  locks?: LockManager | null;
  openChannel?: (name: string) => ChannelLike;
}

/**
 * One refresh at a time across the tabs of an origin: Web Locks where the browser has them, otherwise a lock
 * negotiated over a BroadcastChannel. Without cross-tab coordination the task simply runs (the client's own
 * single flight already keeps it to one refresh per tab).
 */
export function createTabLock(options: TabLockOptions): TabLock {
  if (!options.crossTab) {
    return { run: (task) => task(), noteReplaced: () => Promise.resolve(), notes: () => Promise.resolve(null), close: () => {} };
  }
  const locks = options.locks === undefined ? webLocks() : options.locks;
  if (locks) return createWebLock(locks, LOCK_NAME);
  const open = options.openChannel ?? openBroadcastChannel;
  return createBroadcastLock(open(`${LOCK_NAME}-lock`), { now: options.now });
}

function webLocks(): LockManager | null {
  const nav = (globalThis as { navigator?: { locks?: LockManager } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null;
}

/** A BroadcastChannel that does not keep a Node process alive on its own. */
export function openBroadcastChannel(name: string): ChannelLike {
  const channel = new BroadcastChannel(name);
  (channel as unknown as { unref?: () => void }).unref?.();
  return channel;
}
