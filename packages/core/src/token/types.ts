import type { KeyObject } from 'node:crypto';
import type { SigningAlg } from '../store/types.js';

export type { SigningAlg };
export const SIGNING_ALGS: readonly SigningAlg[] = ['ES256', 'EdDSA', 'RS256', 'HS256'];

/** The claims of a Tessera access token (RFC 9068 profile). Exactly these, plus what a claims hook adds. */
export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
  roles: string[];
  [extra: string]: unknown;
}

/** A key the server signs with. For HS256, privateKey and publicKey are the same secret KeyObject. */
export interface SigningKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A key a verifier accepts: the algorithm is pinned to the key, never read from the token. */
export interface VerificationKey {
  kid: string;
  alg: SigningAlg;
  key: KeyObject;
}
