import type { AuthClient } from '@tessera/client';
import { cacheExchange, Client, fetchExchange } from 'urql';

/**
 * The GraphQL client borrows @tessera/client's fetch: it adds `Authorization: Bearer` (for this origin only) and,
 * when POST /graphql answers 401 with `extensions.code` `token_expired`, refreshes once (one refresh shared by
 * every request in flight) and retries. Any other 401 (`invalid_token`: a revoked session) ends the session,
 * and the app shows the login form.
 */
export function createGraphqlClient(auth: AuthClient): Client {
  return new Client({
    url: '/graphql',
    exchanges: [cacheExchange, fetchExchange],
    fetch: auth.fetch,
    // Mutations and queries alike go as POST with a JSON body: the server takes nothing else.
    preferGetMethod: false,
    // Sessions change behind the cache's back (another device logs in); always ask the server.
    requestPolicy: 'network-only',
  });
}
