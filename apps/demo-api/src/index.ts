// @tessera/demo-api — the demo's own API behind Tessera, built only from @tessera/server's public pieces, as a
// user's API would be. `tessera serve` mounts it under /api while TESSERA_DEMO is on.
export { demoApi } from './demo-api.js';
