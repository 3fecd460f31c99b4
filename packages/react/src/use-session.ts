import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuthClient } from '@tessera/client';
import { useAuthContext } from './context.js';
import { useAuth } from './use-auth.js';

export type SessionInfo = Awaited<ReturnType<AuthClient['sessions']>>[number];

export interface UseSession {
  /** The user's live sessions (the current one has `current: true`); null until the first load finishes. */
  sessions: SessionInfo[] | null;
  loading: boolean;
  /** The error of the last load, if it failed (an `AuthError` from the client). */
  error: unknown;
  /** Loads the list again (one `GET /auth/sessions`). */
  refresh(): Promise<void>;
  /** Ends one session and drops it from the list without reloading it. */
  revoke(id: string): Promise<void>;
  /** Ends every session of the user, this one included. */
  logoutAll(): Promise<void>;
}

/**
 * The signed-in user's sessions. Loads once per signed-in user (not per render), and never while signed out.
 */
export function useSession(): UseSession {
  const { client } = useAuthContext('useSession');
  const { status, user } = useAuth();
  const userId = status === 'authenticated' ? (user?.id ?? null) : null;
  const [sessions, setSessions] = useState<SessionInfo[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Each load gets a number; only the latest may write, so a slow answer for a previous user is dropped.
  const generation = useRef(0);
  const inFlight = useRef<{ userId: string; promise: Promise<void> } | null>(null);

  const load = useCallback(
    (forUser: string): Promise<void> => {
      const ticket = ++generation.current;
      setLoading(true);
      const promise = client.sessions().then(
        (list) => {
          if (ticket !== generation.current) return;
          setSessions(list);
          setError(null);
          setLoading(false);
        },
        (failure: unknown) => {
          if (ticket !== generation.current) return;
          setError(failure);
          setLoading(false);
        },
      );
      inFlight.current = { userId: forUser, promise };
      void promise.finally(() => {
        if (inFlight.current?.promise === promise) inFlight.current = null;
      });
      return promise;
    },
    [client],
  );

  useEffect(() => {
    if (userId === null) {
      generation.current++;
      setSessions(null);
      setLoading(false);
      setError(null);
      return;
    }
    // StrictMode runs effects twice; the second run joins the request the first one started.
    if (inFlight.current?.userId === userId) return;
    void load(userId);
  }, [userId, load]);

  const refresh = useCallback(async () => {
    if (userId !== null) await load(userId);
  }, [userId, load]);

  const revoke = useCallback(
    async (id: string) => {
      await client.revokeSession(id);
      setSessions((list) => list?.filter((session) => session.id !== id) ?? null);
    },
    [client],
  );

  const logoutAll = useCallback(() => client.logoutAll(), [client]);

  return { sessions, loading, error, refresh, revoke, logoutAll };
}
