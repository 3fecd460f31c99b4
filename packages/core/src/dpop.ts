// @tessera/core/dpop — DPoP (RFC 9449) proof verification: the rules that bind a session and its access tokens to
// a client's key. node:crypto only; the replay cache is an interface (in memory here, Redis in @tessera/store-redis).
export { accessTokenHash } from './dpop/ath.js';
export { checkTokenBinding, createResourceAuthorizer, type AuthorizeRequest, type ResourceRequest } from './dpop/authorize-request.js';
export { createMemoryReplayCache, type MemoryReplayCacheOptions } from './dpop/memory-replay-cache.js';
export { createDpopNonces, type DpopNonceOptions } from './dpop/nonces.js';
export { normaliseHtu } from './dpop/htu.js';
export { createRedisReplayCache, type ReplayCacheRedis } from './dpop/redis-replay-cache.js';
export { MAX_PROOF_LENGTH } from './dpop/read-proof.js';
export { createDpopProofVerifier } from './dpop/verify-proof.js';
export {
  DPOP_ALGS,
  type DpopAlg,
  type DpopNonces,
  type DpopProofVerifierOptions,
  type DpopReplayCache,
  type DpopRequest,
  type VerifiedDpopProof,
  type VerifyDpopProof,
} from './dpop/types.js';
