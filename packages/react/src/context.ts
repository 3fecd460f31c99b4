import { createContext, useContext } from 'react';
import type { AuthClient } from '@tessera/client';
import type { AuthStore } from './auth-store.js';
import type { RestoreTracker } from './restore-tracker.js';

export interface AuthClientContextValue {
  client: AuthClient;
  store: AuthStore;
  restore: RestoreTracker;
}

export const AuthClientContext = createContext<AuthClientContextValue | null>(null);

/** The provider's value; a hook used outside `<AuthProvider>` is a programming error, said loudly. */
export function useAuthContext(hook: string): AuthClientContextValue {
  const value = useContext(AuthClientContext);
  if (!value) throw new Error(`${hook}() must be used inside <AuthProvider client={…}>.`);
  return value;
}

/** The `AuthClient` given to the provider: for `client.fetch`, `client.on(…)` and the rest of its API. */
export function useAuthClient(): AuthClient {
  return useAuthContext('useAuthClient').client;
}
