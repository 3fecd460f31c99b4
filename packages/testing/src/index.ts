export * from './clock.js';
export * from './fixtures.js';
export * from './services.js';
export { createMemoryStores } from '@tessera/core/memory';
export * from './conformance/run-store-conformance.js';
export * from './failure.js';
