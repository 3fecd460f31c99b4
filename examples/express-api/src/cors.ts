import type { RequestHandler } from 'express';

/**
 * Lets pages on the listed origins (your front end, e.g. the demo) call this API from a browser. Exact origins
 * only, and no credentials: the access token travels in the Authorization header (with a DPoP proof beside it
 * for a device-bound session), which a page on another origin may send only once the preflight here allows it. A page on any other origin gets no CORS headers, so
 * its browser neither sends the token-bearing request nor lets it read an answer.
 */
export function allowOrigins(origins: readonly string[]): RequestHandler {
  const allowed = new Set(origins);
  return (req, res, next) => {
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', 'GET');
      // DPoP: a browser client whose session is bound to its key sends a proof with every call.
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, DPoP');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    // The client reads the error code from the JSON body; the challenge header is there for other callers.
    // DPoP-Nonce and Date go into the client's next proofs (a server nonce, the server's clock).
    res.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, DPoP-Nonce, Date');
    next();
  };
}

/** Reads CORS_ORIGINS (comma separated); anything but a bare origin stops the API at start with one sentence. */
export function parseOrigins(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed.origin !== origin) {
      throw new Error(`CORS_ORIGINS must list exact origins such as http://localhost:3000 (scheme, host and port, no path); "${origin}" is not one.`);
    }
    return origin;
  });
}
