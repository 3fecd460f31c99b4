import { afterEach, describe, expect, it } from 'vitest';
import { failure } from '../../test/helpers.js';
import { configurePasswordWork, defaultPasswordWorkLimits, passwordWorkStats, resetPasswordWorkStats, runPasswordWork } from './password-work.js';

afterEach(() => {
  configurePasswordWork(defaultPasswordWorkLimits());
  resetPasswordWorkStats();
});

/** A task that runs until the test lets it finish, recording how many ran at once. */
function gate(log: { active: number; peak: number }) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const task = async () => {
    log.active += 1;
    log.peak = Math.max(log.peak, log.active);
    await released;
    log.active -= 1;
    return 'done';
  };
  return { task, release };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('bounded password work', () => {
  it('leaves a core to the event loop: one fewer than the cores, at least one', () => {
    expect(defaultPasswordWorkLimits(8)).toEqual({ concurrency: 7, maxWaiting: 112 });
    expect(defaultPasswordWorkLimits(2).concurrency).toBe(1);
    expect(defaultPasswordWorkLimits(1).concurrency).toBe(1);
  });

  it('never runs more than `concurrency` at once; the rest wait their turn in order', async () => {
    configurePasswordWork({ concurrency: 2, maxWaiting: 10 });
    const log = { active: 0, peak: 0 };
    const gates = Array.from({ length: 6 }, () => gate(log));
    const finished: number[] = [];
    const runs = gates.map((g, i) => runPasswordWork(g.task).then(() => finished.push(i)));
    await tick();
    expect(passwordWorkStats()).toMatchObject({ running: 2, waiting: 4 });
    for (const g of gates) {
      g.release();
      await tick();
    }
    await Promise.all(runs);
    expect(log.peak).toBe(2);
    expect(finished).toEqual([0, 1, 2, 3, 4, 5]);
    expect(passwordWorkStats()).toMatchObject({ running: 0, waiting: 0, completed: 6, refused: 0 });
  });

  it('answers at once with 503 unavailable and Retry-After when the queue is full, instead of piling up', async () => {
    configurePasswordWork({ concurrency: 1, maxWaiting: 1 });
    const log = { active: 0, peak: 0 };
    const first = gate(log);
    const second = gate(log);
    const running = runPasswordWork(first.task);
    const queued = runPasswordWork(second.task);
    const refused = await failure(runPasswordWork(async () => 'never'));
    expect(refused).toMatchObject({ code: 'unavailable', status: 503, retryAfter: 1 });
    expect(passwordWorkStats().refused).toBe(1);
    first.release();
    second.release();
    await expect(Promise.all([running, queued])).resolves.toEqual(['done', 'done']);
  });

  it('a task that fails still hands its turn on', async () => {
    configurePasswordWork({ concurrency: 1, maxWaiting: 5 });
    const failing = runPasswordWork(() => Promise.reject(new Error('boom')));
    const next = runPasswordWork(async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    expect(passwordWorkStats()).toMatchObject({ running: 0, waiting: 0 });
  });
});
