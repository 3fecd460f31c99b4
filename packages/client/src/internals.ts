import type { RequestAuthorizer } from './request-authorizer.js';
import type { AuthClient } from './types.js';

/**
 * What integrations such as `@tessera/client/axios` need from a client beyond its public API. Kept off the
 * `AuthClient` interface so that interface stays what applications use.
 */
export interface ClientInternals {
  authorizer: RequestAuthorizer;
}

const registry = new WeakMap<AuthClient, ClientInternals>();

export function registerInternals(client: AuthClient, internals: ClientInternals): void {
  registry.set(client, internals);
}

export function internalsOf(client: AuthClient): ClientInternals {
  const internals = registry.get(client);
  if (internals === undefined) throw new TypeError('Pass a client made by createAuthClient from @tessera/client.');
  return internals;
}
