import type { AuthClient, AuthState, AuthUser } from '@tessera/client';

/** What `useSyncExternalStore` needs: a stable `subscribe` and a snapshot that only changes when the state does. */
export interface AuthStore {
  subscribe(onChange: () => void): () => void;
  getSnapshot(): AuthState;
}

function sameUser(a: AuthUser | null, b: AuthUser | null): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.id === b.id && a.email === b.email && a.name === b.name && String(a.createdAt) === String(b.createdAt);
}

/**
 * Adapts the client to React. The snapshot object is kept until status or user actually change, so a client that
 * builds a fresh state object per call (or notifies on a silent token refresh) never re-renders the tree.
 */
export function createAuthStore(client: AuthClient): AuthStore {
  let snapshot: AuthState = client.getState();
  return {
    subscribe: (onChange) => client.subscribe(() => onChange()),
    getSnapshot: () => {
      const next = client.getState();
      if (next !== snapshot && (next.status !== snapshot.status || !sameUser(next.user, snapshot.user))) snapshot = next;
      return snapshot;
    },
  };
}
