import type { ErrorBody } from '@tessera/wire';
import { TesseraError, type ErrorCode } from '../errors.js';
import { bearerChallenge, dpopChallenge } from './challenge.js';

/** An error as HTTP, independent of any framework: adapters copy these three parts onto their response. */
export interface ErrorParts {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
}

/**
 * The errors that answer a Bearer request with a challenge: the ones RFC 6750 §3.1 defines (`token_expired` is
 * sent as invalid_token). A 429, 500 or 503 on a Bearer route says nothing about the token, so it carries none.
 */
const CHALLENGED: ReadonlySet<ErrorCode> = new Set(['invalid_request', 'invalid_token', 'token_expired', 'insufficient_scope']);
/** RFC 9449 §7.1: a refused proof at a resource carries a DPoP challenge. */
const DPOP_CODES: ReadonlySet<ErrorCode> = new Set(['invalid_dpop_proof', 'use_dpop_nonce']);

/**
 * How a protected route was called: whether a credential was sent, and — when the route takes DPoP-bound tokens —
 * whether it came with the DPoP scheme, and which proof algorithms the challenge offers.
 */
export interface ChallengeContext {
  tokenSent: boolean;
  scheme?: 'Bearer' | 'DPoP';
  dpopAlgs?: readonly string[];
}

/**
 * The one place an error becomes HTTP: status, JSON body and, for Bearer-protected routes, the RFC 6750
 * challenge all come from the error's code. Anything that is not a TesseraError is an internal error whose
 * details (stack, SQL, key material) never leave the process.
 */
export function renderError(error: unknown, bearer?: ChallengeContext): ErrorParts {
  const tessera = toTesseraError(error);
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };
  if (bearer?.scheme === 'DPoP' && (CHALLENGED.has(tessera.code) || DPOP_CODES.has(tessera.code))) {
    headers['www-authenticate'] = dpopChallenge(tessera.code, tessera.message, bearer.dpopAlgs ?? []);
  } else if (bearer && CHALLENGED.has(tessera.code)) {
    headers['www-authenticate'] = bearerChallenge(tessera.code, tessera.message, bearer.tokenSent);
  }
  if (tessera.retryAfter !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(tessera.retryAfter)));
  return { status: tessera.status, headers, body: tessera.toJSON() };
}

export function toTesseraError(error: unknown): TesseraError {
  if (error instanceof TesseraError) return error;
  return new TesseraError('internal_error', undefined, { cause: error });
}
