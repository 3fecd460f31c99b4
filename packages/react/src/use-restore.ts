import { useSyncExternalStore } from 'react';
import { useAuthContext } from './context.js';

export interface UseRestore {
  /**
   * Why restoring the session failed (an `AuthError`, usually `network_error`), while the status is still
   * 'unknown' because of it; null otherwise. "Not logged in" is not a failure: it makes the status
   * 'unauthenticated'.
   */
  error: unknown;
  /** Tries `client.restore()` again. */
  retry(): Promise<void>;
}

/** For the screen an app shows when it cannot tell whether anyone is signed in (the server was unreachable). */
export function useRestore(): UseRestore {
  const { restore } = useAuthContext('useRestore');
  const error = useSyncExternalStore(restore.subscribe, restore.getError, restore.getError);
  return { error, retry: restore.retry };
}
