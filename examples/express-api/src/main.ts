import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { parseOrigins } from './cors.js';
import { createApi } from './server.js';

// `node dist/main.js`: TESSERA_ISSUER, TESSERA_JWKS_URL, TESSERA_AUDIENCE (comma list), PORT, HOST; optional
// TESSERA_REDIS_URL and TESSERA_REDIS_PREFIX (the revocation feed) and CORS_ORIGINS (front ends calling from a browser).
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`${name} is not set; point it at your Tessera server (see examples/express-api/README.md).`);
    process.exit(1);
  }
  return value;
}

const issuer = required('TESSERA_ISSUER');
const jwksUrl = process.env.TESSERA_JWKS_URL || `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`;
const audience = (process.env.TESSERA_AUDIENCE || 'tessera').split(',').map((aud) => aud.trim());
const redisUrl = process.env.TESSERA_REDIS_URL;
const redis = redisUrl ? new Redis(redisUrl) : undefined;
// Must be the Tessera servers' TESSERA_REDIS_PREFIX: the feed's channel and set are named with it.
const keyPrefix = process.env.TESSERA_REDIS_PREFIX || 'tessera:';

const port = Number(process.env.PORT ?? 4000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error('PORT must be a whole number from 0 to 65535.');
  process.exit(1);
}

const app = (() => {
  try {
    const corsOrigins = parseOrigins(process.env.CORS_ORIGINS);
    return createApi({ jwksUrl, issuer, audience, corsOrigins, ...(redis ? { revocation: { redis, keyPrefix } } : {}) });
  } catch (error) {
    console.error((error as Error).message);
    return process.exit(1);
  }
})();

const server = app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`express-api listening on http://localhost:${bound} (tokens from ${issuer}${redis ? ', revocation feed on' : ''})`);
});

async function shutdown(): Promise<void> {
  server.close();
  server.closeIdleConnections();
  await app.locals.guard.close();
  await redis?.quit();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    shutdown().catch((error: unknown) => {
      console.error(`shutdown failed: ${(error as Error).message}`);
      process.exitCode = 1;
    });
  });
}
