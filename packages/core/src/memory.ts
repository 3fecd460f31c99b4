// @tessera/core/memory — the stores in memory: for tests, and for one process that may forget everything on exit.
// The same conformance suite as every other backend (`@tessera/testing`) runs against them.
export { createMemoryStores } from './store/memory/memory-stores.js';
