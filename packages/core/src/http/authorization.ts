import { TesseraError } from '../errors.js';
import { oneAuthorizationHeader, presentsBearer, readBearer, type AuthorizationHeader } from './bearer.js';

/** The DPoP scheme (RFC 9449 §7.1), case-insensitively, alone or followed by whitespace. */
const DPOP_SCHEME = /^dpop(\s|$)/i;
/** RFC 9449 §7.1 uses the token68 syntax of RFC 6750's b64token. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

export type AccessCredential = { kind: 'none' } | { kind: 'token'; scheme: 'Bearer' | 'DPoP'; token: string };

/**
 * Reads `Authorization: Bearer <token>` or `Authorization: DPoP <token>`. Anything else is "no token"; a malformed
 * header of either scheme is a 400, as readBearer answers for Bearer.
 */
export function readAccessCredential(header: AuthorizationHeader): AccessCredential {
  const value = oneAuthorizationHeader(header);
  if (value === undefined || !DPOP_SCHEME.test(value)) {
    const bearer = readBearer(header);
    return bearer.kind === 'none' ? bearer : { kind: 'token', scheme: 'Bearer', token: bearer.token };
  }
  const token = value.slice(4).replace(/^ +/, '');
  if (value.charCodeAt(4) !== 0x20 || !TOKEN68.test(token)) {
    throw new TesseraError('invalid_request', 'The Authorization header must be "DPoP", one or more spaces, then one token.');
  }
  return { kind: 'token', scheme: 'DPoP', token };
}

/** Whether the request used the DPoP scheme at all, well-formed or not: its errors then get a DPoP challenge. */
export function presentsDpop(header: AuthorizationHeader): boolean {
  if (header === null || header === undefined) return false;
  const value = typeof header === 'string' ? header : header[0];
  return value !== undefined && DPOP_SCHEME.test(value);
}

/** The proof algorithms a DPoP challenge offers (RFC 9449 §7.1 `algs`). */
const CHALLENGE_ALGS = ['ES256', 'EdDSA', 'RS256'] as const;

/**
 * How a refused request to a protected resource is challenged: with DPoP when it used the DPoP scheme, when its
 * token turned out to be DPoP-bound, or when its proof was refused; with Bearer otherwise (RFC 6750 §3.1).
 */
export function challengeContextFor(header: AuthorizationHeader, error: unknown): { tokenSent: boolean; scheme: 'Bearer' | 'DPoP'; dpopAlgs: readonly string[] } {
  const dpop = presentsDpop(header);
  const dpopError = error instanceof TesseraError && (error.reason === 'bound_to_key' || error.code === 'invalid_dpop_proof' || error.code === 'use_dpop_nonce');
  return { tokenSent: dpop || presentsBearer(header), scheme: dpop || dpopError ? 'DPoP' : 'Bearer', dpopAlgs: CHALLENGE_ALGS };
}
