import { Hono } from 'hono';

export interface WellKnownOptions {
  issuer: string;
  signingAlg: string;
  jwks: () => { keys: readonly object[] };
}

/** Public key discovery: only public keys ever leave through here. */
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
      id_token_signing_alg_values_supported: [options.signingAlg],
      token_endpoint: `${base}/auth/refresh`,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      grant_types_supported: ['password', 'refresh_token'],
      token_endpoint_auth_methods_supported: ['none'],
    }),
  );
  return app;
}
