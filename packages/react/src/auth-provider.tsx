import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import type { AuthClient } from '@tessera/client';
import { createAuthStore } from './auth-store.js';
import { AuthClientContext } from './context.js';
import { restoreTrackerFor } from './restore-tracker.js';

export interface AuthProviderProps {
  client: AuthClient;
  children?: ReactNode;
  /** Called when `client.restore()` fails for a reason other than "not logged in" (e.g. the server is down). */
  onRestoreError?: (error: unknown) => void;
}

/**
 * Makes `client` available to the hooks below it and calls `client.restore()` once per client, on first mount
 * (StrictMode's double effect and remounts do not send a second refresh), so a returning visitor with a live
 * refresh cookie is logged in again without noticing.
 */
export function AuthProvider({ client, children, onRestoreError }: AuthProviderProps): ReactNode {
  const onError = useRef(onRestoreError);
  useEffect(() => {
    onError.current = onRestoreError;
  });
  const value = useMemo(() => ({ client, store: createAuthStore(client), restore: restoreTrackerFor(client) }), [client]);
  useEffect(() => {
    const { restore } = value;
    const unsubscribe = restore.subscribe(() => {
      const error = restore.getError();
      if (error !== null) onError.current?.(error);
    });
    restore.start();
    return unsubscribe;
  }, [value]);
  return <AuthClientContext.Provider value={value}>{children}</AuthClientContext.Provider>;
}
