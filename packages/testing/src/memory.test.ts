import { describe, expect, it } from 'vitest';
import { createFixedClock } from './clock.js';
import { runStoreConformance } from './conformance/run-store-conformance.js';
import { createMemoryStores } from '@tessera/core/memory';

runStoreConformance('memory stores', async () => createMemoryStores());

describe('createFixedClock', () => {
  it('moves only when told', () => {
    const clock = createFixedClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
    clock.set(5);
    expect(clock.now()).toBe(5);
  });
});
