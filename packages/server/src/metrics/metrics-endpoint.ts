import { createHash, timingSafeEqual } from 'node:crypto';
import { readBearer, TesseraError, type AuthorizationHeader } from '@tessera/core';
import type { Registry } from 'prom-client';
import { errorResponse } from '../http/errors.js';

export const METRICS_PATH = '/metrics';

/**
 * Answers a scrape: the registry in Prometheus text format, or a 401 when a token is configured and the request
 * does not carry exactly it as a Bearer credential. Counts of logins and failures tell an attacker how an attack
 * is going, so outside a private listener they are for the holder of TESSERA_METRICS_TOKEN only.
 */
export function metricsEndpoint(registry: Registry, token: string | null): (authorization: AuthorizationHeader) => Promise<Response> {
  const expected = token === null ? null : digest(token);
  return async (authorization) => {
    if (expected !== null) {
      let presented: string | undefined;
      try {
        const bearer = readBearer(authorization);
        if (bearer.kind === 'token') presented = bearer.token;
      } catch {
        // A malformed header is just a wrong credential here.
      }
      // Timing attack: comparing fixed-length digests in constant time leaks neither the token nor its length.
      if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
        return errorResponse(new TesseraError('invalid_token', 'Send the metrics token (TESSERA_METRICS_TOKEN) as a Bearer credential.'), { tokenSent: presented !== undefined });
      }
    }
    return new Response(await registry.metrics(), { status: 200, headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } });
  };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
