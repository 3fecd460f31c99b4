import { TesseraError } from '@tessera/core/errors';
import { checkTokenBinding } from '@tessera/core/dpop';
import { readAccessCredential, type AuthorizationHeader } from '@tessera/core/http';
import { createAccessTokenVerifier, type AccessTokenClaims, type VerifyAccessToken } from '@tessera/core/token';
import { JwksKeySource, staticKeySource, type KeySource } from './key-source.js';
import { resolveAlgorithms, resolveDpop, resolveKeySource, resolveRevocation, rethrowAsGuardError, type GuardOptions } from './options.js';
import { RevocationSubscriber } from './revocation-subscriber.js';
import { importStaticKey } from './static-key.js';

/** When the JWKS is fetched a second time after a key announcement on the feed. */
const ANNOUNCED_REFETCH_MS = 1_000;

/** The parts of a request a DPoP proof is checked against. */
export interface GuardRequest {
  /** The `DPoP` header(s). */
  dpop: string | readonly string[] | null | undefined;
  method: string;
  /** The absolute URL of the request as the framework sees it. */
  url: string;
}

export interface Guard {
  /** Verifies an access token: its claims, or a `TesseraError` (`token_expired`, `invalid_token`, `unavailable`). */
  verify(token: string): Promise<AccessTokenClaims>;
  /**
   * Reads `Authorization: Bearer …` or `Authorization: DPoP …` (one header value, or Node's list of them) and verifies
   * the token; a DPoP-bound token also needs `request`'s proof by its key (else `invalid_token` or `invalid_dpop_proof`).
   */
  authenticate(authorization: AuthorizationHeader, request?: GuardRequest): Promise<AccessTokenClaims>;
  /** With `dpop.nonces`: the nonce to hand a DPoP client in `DPoP-Nonce` (RFC 9449 §8); otherwise undefined. */
  currentDpopNonce(): string | undefined;
  /** Stops the revocation feed's connection. The guard refuses to verify afterwards. */
  close(): Promise<void>;
}

/**
 * Token verification for a service other than the auth server. Every option is checked here, once; a mistake
 * throws a `TypeError` naming the option. Verification is core's strict synchronous verifier (with its cache of
 * verified tokens) on keys from a cached JWKS or one fixed key; the only asynchronous steps are loading keys
 * and, with `revocation`, waiting for the first resync of the revocation feed.
 */
export function createGuard(options: GuardOptions): Guard {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createGuard: options are required: { issuer, audience, algorithms, and jwksUrl or key }.');
  }
  const algorithms = resolveAlgorithms(options.algorithms);
  const keySource = resolveKeySource(options);
  const revocation = resolveRevocation(options.revocation);

  let keys: KeySource | undefined;
  let feed: RevocationSubscriber | undefined;
  const verifierOptions = {
    issuer: options.issuer,
    audience: options.audience,
    resolveKey: (kid: string) => keys?.resolve(kid),
    clockToleranceSeconds: options.clockToleranceSeconds,
    now: options.now,
    cacheSize: options.cacheSize,
    isSessionRevoked: revocation === undefined ? undefined : (sid: string) => feed?.isRevoked(sid) ?? false,
  };
  const buildVerifier = (): VerifyAccessToken => {
    try {
      return createAccessTokenVerifier(verifierOptions);
    } catch (error) {
      return rethrowAsGuardError(error);
    }
  };
  // Core validates issuer, audience, tolerance, now and cacheSize here, before any key is read or socket opened.
  let verifySync = buildVerifier();
  const { verifyProof, publicOrigin, nonces } = resolveDpop(options, revocation);
  const now = options.now ?? Date.now;
  const source: KeySource =
    keySource.kind === 'key'
      ? staticKeySource(importStaticKey(keySource.key, keySource.kid, algorithms))
      : new JwksKeySource({ ...keySource, algorithms, now });
  keys = source;
  let generation = source.generation;
  if (revocation !== undefined) {
    // The servers reload their keys on the same message; a fetch that reaches one before it has reloaded still
    // sees the old set, so a second fetch follows shortly after.
    const announced = () => {
      void source.refresh('announced');
      setTimeout(() => void source.refresh('announced'), ANNOUNCED_REFETCH_MS).unref();
    };
    feed = new RevocationSubscriber(revocation, now, announced);
  }
  let closed = false;

  /** One synchronous pass through core's verifier. */
  function attempt(token: string): AccessTokenClaims {
    if (source.generation !== generation) {
      // A key disappeared or changed: tokens cached as verified with it must be verified again, so start afresh.
      generation = source.generation;
      verifySync = buildVerifier();
    }
    return verifySync(token);
  }

  async function verify(token: string): Promise<AccessTokenClaims> {
    if (closed) throw new TesseraError('unavailable', 'The guard has been closed.');
    if (feed !== undefined && !feed.synced) await feed.whenSynced();
    if (source.stale) await source.refresh('stale');
    try {
      return attempt(token);
    } catch (error) {
      if (!isUnknownKid(error)) throw error;
    }
    // An unknown kid: the issuer may have rotated its key. Refetch (at most once per cooldown) and retry once.
    await source.refresh('unknown-kid');
    try {
      return attempt(token);
    } catch (error) {
      if (isUnknownKid(error) && source.failing) throw new TesseraError('unavailable', 'The signing keys could not be fetched; try again shortly.', { cause: error });
      throw error;
    }
  }

  return {
    verify,
    async authenticate(authorization, request) {
      const credential = readAccessCredential(authorization);
      if (credential.kind === 'none') throw new TesseraError('invalid_token', 'This endpoint needs an access token in the Authorization header.');
      const claims = await verify(credential.token);
      const urls = request === undefined ? [] : publicOrigin === undefined ? [request.url] : [request.url, `${publicOrigin}${new URL(request.url).pathname}`];
      // The server's rule (core's checkTokenBinding): a bound token without its key's proof is refused here too.
      return checkTokenBinding(claims, credential, { dpop: request?.dpop, method: request?.method ?? '', url: urls }, verifyProof);
    },
    currentDpopNonce: () => nonces?.current(),
    async close() {
      closed = true;
      await feed?.close();
    },
  };
}

/** The refusal a key refetch can cure: the token names a kid the current key set does not have. */
function isUnknownKid(error: unknown): boolean {
  return error instanceof TesseraError && error.reason === 'unknown_kid';
}
