// @tessera/core/keys — signing keys: generate, import, derive (HS256), seal at rest, publish as JWKS, the key ring.
export type { Jwks, PublicJwk } from './keys/types.js';
export { generateSigningKey } from './keys/generate.js';
export { importSigningKey } from './keys/import.js';
export { deriveHs256Key } from './keys/hs256.js';
export { publicJwk } from './keys/public-jwk.js';
export { jwkThumbprint } from './keys/thumbprint.js';
export { keyMismatch } from './keys/key-mismatch.js';
export { sealSigningKey } from './keys/seal.js';
export { openSigningKey } from './keys/open.js';
export { KeyRing, type KeyRingOptions } from './keys/key-ring.js';
