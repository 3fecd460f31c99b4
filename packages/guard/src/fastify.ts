import type { AccessTokenClaims } from '@tessera/core/token';
import type { FastifyInstance, FastifyPluginAsync, preHandlerAsyncHookHandler } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { createAuthorizer, nodeAuthorization, type RequireAuthOptions } from './authorize.js';
import type { Guard } from './create-guard.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access-token claims, set by `requireAuth`. */
    auth?: AccessTokenClaims;
  }
  interface FastifyInstance {
    /** A `preHandler` that verifies the Bearer token with the registered guard (see `tesseraGuard`). */
    requireAuth(options?: RequireAuthOptions): preHandlerAsyncHookHandler;
  }
}

export type { RequireAuthOptions };

/** Fastify `preHandler`: verifies the Bearer token, sets `request.auth`, or answers the error. */
export function requireAuth(guard: Guard, options?: RequireAuthOptions): preHandlerAsyncHookHandler {
  const authorize = createAuthorizer(guard, options);
  return async (request, reply) => {
    const outcome = await authorize(nodeAuthorization(request.raw), { dpop: request.headers.dpop, method: request.method, url: `${request.protocol}://${request.headers.host ?? ''}${request.url}` });
    if (!outcome.ok) return reply.code(outcome.status).headers(outcome.headers).send(outcome.body);
    request.auth = outcome.claims;
    reply.headers(outcome.headers);
  };
}

export interface TesseraGuardPluginOptions {
  guard: Guard;
}

/** The plugin: `await app.register(tesseraGuard, { guard })`, then `{ preHandler: app.requireAuth({ roles }) }`. */
export const tesseraGuard: FastifyPluginAsync<TesseraGuardPluginOptions> = fastifyPlugin(
  async (fastify: FastifyInstance, { guard }: TesseraGuardPluginOptions) => {
    fastify.decorateRequest('auth', undefined);
    fastify.decorate('requireAuth', (options?: RequireAuthOptions) => requireAuth(guard, options));
  },
  { name: '@tessera/guard', fastify: '>=4' },
);
