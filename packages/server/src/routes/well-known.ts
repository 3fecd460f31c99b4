import { DPOP_ALGS } from '@tessera/core/dpop';
import { Hono } from 'hono';

export interface WellKnownOptions {
  issuer: string;
  jwks: () => { keys: readonly object[] };
  /** Whether sessions may be DPoP-bound (TESSERA_DPOP is not `off`): discovery then lists the proof algorithms. */
  dpop?: boolean;
}

/**
 * OpenID Connect Discovery §3 requires RS256 in `id_token_signing_alg_values_supported`, and strict validators
 * refuse a document without it.
 */
const REQUIRED_ALG = 'RS256';

/**
 * Public key discovery: only public keys ever leave through here. The metadata advertises only what works:
 * Tessera issues no ID tokens and has no OAuth authorization or token endpoint (its login and refresh are its own
 * JSON API, not OAuth grants), so there is no `token_endpoint`, and `grant_types_supported` and
 * `response_types_supported` are empty rather than left out, which RFC 8414 would read as the defaults
 * (authorization_code, implicit). What a client can use is `jwks_uri`, to verify access tokens.
 */
export function wellKnownRoutes(options: WellKnownOptions): Hono {
  const app = new Hono();
  const base = options.issuer.replace(/\/$/, '');
  app.get('/jwks.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(options.jwks());
  });
  app.get('/openid-configuration', (c) =>
    c.json({
      issuer: options.issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: publishedAlgorithms(options.jwks().keys),
      subject_types_supported: ['public'],
      response_types_supported: [],
      grant_types_supported: [],
      // RFC 9449 §5.1: the algorithms a DPoP proof may be signed with (asymmetric only).
      ...(options.dpop === false ? {} : { dpop_signing_alg_values_supported: [...DPOP_ALGS] }),
    }),
  );
  return app;
}

/**
 * The algorithms a verifier meets with the JWKS (those of its published keys, so HS256 never appears: its key is
 * a secret), then RS256, which the specification requires listed. No ID token is ever signed, so the list
 * promises nothing beyond that.
 */
function publishedAlgorithms(keys: readonly object[]): string[] {
  const algs = new Set<string>();
  for (const key of keys) {
    const alg = (key as { alg?: unknown }).alg;
    if (typeof alg === 'string') algs.add(alg);
  }
  algs.add(REQUIRED_ALG);
  return [...algs];
}
