import type { AuthClient } from '@tessera/client';

/**
 * The outcome of `client.restore()`, one per client. `restore()` never rejects for "not logged in"; when it does
 * reject (the server is unreachable, a CORS refusal), the status stays 'unknown' and the app needs to know, or it
 * would wait forever. The error clears as soon as the status is known (a later restore, a login).
 */
export interface RestoreTracker {
  /** Starts the first restore; later calls do nothing. */
  start(): void;
  /** Runs restore again (after a failure), whatever happened before. */
  retry(): Promise<void>;
  subscribe(onChange: () => void): () => void;
  getError(): unknown;
}

const trackers = new WeakMap<AuthClient, RestoreTracker>();

export function restoreTrackerFor(client: AuthClient): RestoreTracker {
  const existing = trackers.get(client);
  if (existing) return existing;
  let started = false;
  let error: unknown = null;
  const listeners = new Set<() => void>();
  const setError = (next: unknown) => {
    if (next === error) return;
    error = next;
    for (const listener of listeners) listener();
  };
  client.subscribe((state) => {
    if (state.status !== 'unknown') setError(null);
  });
  const run = async () => {
    setError(null);
    try {
      await client.restore();
    } catch (failure) {
      setError(failure);
    }
  };
  const tracker: RestoreTracker = {
    start() {
      if (started) return;
      started = true;
      void run();
    },
    retry: () => {
      started = true;
      return run();
    },
    subscribe(onChange) {
      listeners.add(onChange);
      return () => listeners.delete(onChange);
    },
    getError: () => error,
  };
  trackers.set(client, tracker);
  return tracker;
}
