import { randomInt } from 'node:crypto';
import { createGuard, type Guard, type RevocationOptions, type SigningAlg } from '@tessera/guard';
import { requireAuth } from '@tessera/guard/express';
import express, { type Express } from 'express';
import { allowOrigins } from './cors.js';

export interface ApiOptions {
  /** The Tessera server's JWKS, e.g. http://localhost:3000/.well-known/jwks.json */
  jwksUrl: string;
  /** The Tessera server's TESSERA_ISSUER. */
  issuer: string;
  /** The Tessera server's TESSERA_AUDIENCE (default there: "tessera"). */
  audience: string | string[];
  /** Default: the algorithms a JWKS can publish (ES256, EdDSA, RS256); each key stays pinned to its own. */
  algorithms?: SigningAlg[];
  /** With Tessera's Redis revocation feed, a logout is refused here within a second; without, at token expiry. */
  revocation?: RevocationOptions;
  /** Front-end origins whose pages may call this API from a browser (CORS); none by default. */
  corsOrigins?: readonly string[];
}

/** The Express app: another service of yours, trusting Tessera's access tokens through the JWKS. */
export function createApi(options: ApiOptions): Express & { locals: { guard: Guard } } {
  const guard = createGuard({
    jwksUrl: options.jwksUrl,
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms ?? ['ES256', 'EdDSA', 'RS256'],
    ...(options.revocation === undefined ? {} : { revocation: options.revocation }),
  });
  const app = express();
  app.disable('x-powered-by');
  app.locals.guard = guard;
  if (options.corsOrigins !== undefined && options.corsOrigins.length > 0) app.use(allowOrigins(options.corsOrigins));

  app.get('/getuser', requireAuth(guard), (req, res) => {
    const { sub, sid, roles } = req.auth!;
    res.json({ sub, sid, roles });
  });

  app.get('/getnumber', requireAuth(guard), (_req, res) => {
    res.json({ number: randomInt(1, 11) });
  });

  app.use((_req, res) => {
    res.status(404).json({ error: 'not_found', message: 'There is nothing at this address.' });
  });
  return app as Express & { locals: { guard: Guard } };
}
