import type { AsymmetricSigningAlg } from '../token/types.js';

/** The algorithms a DPoP proof may be signed with: asymmetric only (RFC 9449 §4.2 forbids MACs and `none`). */
export type DpopAlg = AsymmetricSigningAlg;
export const DPOP_ALGS: readonly DpopAlg[] = ['ES256', 'EdDSA', 'RS256'];

/** What a verified proof says: the key's RFC 7638 thumbprint (`jkt`) and the claims the caller may log or bind. */
export interface VerifiedDpopProof {
  /** SHA-256 JWK thumbprint of the proof's public key, base64url: what a session and `cnf.jkt` are bound to. */
  jkt: string;
  jti: string;
  /** Seconds since the epoch. */
  iat: number;
}

/** The request a proof must describe. */
export interface DpopRequest {
  /** The HTTP method, as sent (`POST`). */
  method: string;
  /**
   * The absolute URL the client addressed; query and fragment are ignored (RFC 9449 §4.3). Several when a proxy
   * may have changed it: the proof must name one of them.
   */
  url: string | readonly string[];
  /** The access token sent with `Authorization: DPoP`: the proof must then carry its hash in `ath`. */
  accessToken?: string;
  /** The thumbprint the session or token is bound to: the proof must be signed by exactly that key. */
  boundJkt?: string;
}

/**
 * Remembers proof identifiers until they expire, so a captured proof cannot be sent again (RFC 9449 §11.1).
 * `claim` is atomic: for one `id` before `expiresAtMs`, exactly one call — however many race, on however many
 * instances share the cache — answers true; every other answers false. Shared caches (Redis) make a proof
 * replayed against another instance fail too.
 */
export interface DpopReplayCache {
  claim(id: string, expiresAtMs: number): Promise<boolean> | boolean;
}

/** Server-issued nonces (RFC 9449 §8): `current()` for the `DPoP-Nonce` header, `isValid` for a proof's `nonce`. */
export interface DpopNonces {
  current(): string;
  isValid(nonce: string): boolean;
}

/** What `createDpopProofVerifier` needs; validated once, when the verifier is created. */
export interface DpopProofVerifierOptions {
  replayCache: DpopReplayCache;
  /** Accepted proof algorithms. Default ES256, EdDSA and RS256. */
  algorithms?: readonly DpopAlg[];
  /** How long after its `iat` a proof is accepted, in seconds. Default 60, at most 300. */
  maxAgeSeconds?: number;
  /** Leeway for a client clock ahead of or behind ours, in seconds. Default 5, at most 60. */
  clockToleranceSeconds?: number;
  /** When set, every proof must carry a current server nonce, else `use_dpop_nonce`. */
  nonces?: DpopNonces;
  /** Milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Verifies the `DPoP` header of one request; throws `invalid_dpop_proof` or `use_dpop_nonce`. */
export type VerifyDpopProof = (header: string | readonly string[] | null | undefined, request: DpopRequest) => Promise<VerifiedDpopProof>;
