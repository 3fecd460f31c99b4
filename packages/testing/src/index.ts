export * from './clock.js';
export * from './fixtures.js';
export * from './services.js';
export * from './memory/memory-stores.js';
export * from './conformance/run-store-conformance.js';
export * from './failure.js';
