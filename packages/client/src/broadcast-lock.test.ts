import { afterEach, describe, expect, it } from 'vitest';
import { createBroadcastLock, type TabLock } from './broadcast-lock.js';
import { sleep } from '../test/helpers.js';
import { createTabLock, LOCK_NAME } from './tab-lock.js';

// Node 20 has a global BroadcastChannel (delivering between channels of one process) and no navigator.locks:
// the fallback's home ground.
const opened: Array<{ close(): void }> = [];
afterEach(() => {
  for (const item of opened.splice(0)) item.close();
});

let channelCount = 0;
function tabs(count: number, options: { settleMs?: number; staleMs?: number } = {}): TabLock[] {
  const name = `lock-test-${(channelCount += 1)}`;
  return Array.from({ length: count }, () => {
    const lock = createBroadcastLock(new BroadcastChannel(name), { now: Date.now, settleMs: 20, ...options });
    opened.push(lock);
    return lock;
  });
}

describe('the BroadcastChannel lock (no Web Locks)', () => {
  it('lets one tab at a time in, across tabs and within one', async () => {
    const locks = tabs(3);
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    const task = (tab: number) => async () => {
      inside += 1;
      most = Math.max(most, inside);
      await sleep(15);
      order.push(tab);
      inside -= 1;
      return tab;
    };
    const results = await Promise.all([0, 1, 2, 0, 1, 2].map((tab) => locks[tab]!.run(task(tab))));
    expect(results).toEqual([0, 1, 2, 0, 1, 2]);
    expect(most).toBe(1);
    expect(order).toHaveLength(6);
  });

  it('a later claim waits for the holder, then goes', async () => {
    const [a, b] = tabs(2);
    const events: string[] = [];
    const first = a!.run(async () => {
      events.push('a in');
      await sleep(80);
      events.push('a out');
    });
    await sleep(30);
    await b!.run(async () => {
      events.push('b in');
    });
    await first;
    expect(events).toEqual(['a in', 'a out', 'b in']);
  });

  it('a task that throws still releases the lock', async () => {
    const [a, b] = tabs(2);
    await expect(a!.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(b!.run(async () => 'ok')).resolves.toBe('ok');
    await expect(a!.run(async () => 'again')).resolves.toBe('again');
  });

  it('stops waiting for a tab that claimed the lock and vanished', async () => {
    const name = `lock-test-${(channelCount += 1)}`;
    // A tab that holds the lock (it answers every claim so) and was closed before it could release it.
    const ghost = new BroadcastChannel(name);
    opened.push(ghost);
    ghost.onmessage = (event: MessageEvent) => {
      if ((event.data as { op?: string }).op === 'want') ghost.postMessage({ tessera: 'lock', op: 'here', id: 'ghost', at: 0, held: true });
    };
    const lock = createBroadcastLock(new BroadcastChannel(name), { now: Date.now, settleMs: 10, staleMs: 100 });
    opened.push(lock);
    const started = Date.now();
    await expect(lock.run(async () => 'mine')).resolves.toBe('mine');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('ignores messages that are not lock claims', async () => {
    const [lock] = tabs(1);
    const name = `lock-test-${channelCount}`;
    const noise = new BroadcastChannel(name);
    opened.push(noise);
    noise.postMessage('hello');
    noise.postMessage({ tessera: 'lock', op: 'steal', id: 'x', at: 0 });
    noise.postMessage({ tessera: 'lock', op: 'here', id: 7, at: 0, held: true });
    await expect(lock!.run(async () => 1)).resolves.toBe(1);
  });
});

describe('createTabLock', () => {
  it('uses Web Locks when present, the BroadcastChannel fallback when not, and nothing without crossTab', async () => {
    const requested: string[] = [];
    const locks = { request: async (name: string, task: () => Promise<unknown>) => (requested.push(name), task()) } as unknown as LockManager;
    const web = createTabLock({ crossTab: true, now: Date.now, locks });
    await expect(web.run(async () => 'web')).resolves.toBe('web');
    expect(requested).toEqual([LOCK_NAME]);

    expect('navigator' in globalThis && (globalThis as { navigator?: { locks?: unknown } }).navigator?.locks).toBeFalsy();
    const fallback = createTabLock({ crossTab: true, now: Date.now });
    opened.push(fallback);
    await expect(fallback.run(async () => 'fallback')).resolves.toBe('fallback');

    const none = createTabLock({ crossTab: false, now: Date.now });
    await expect(none.run(async () => 'none')).resolves.toBe('none');
  });
});
