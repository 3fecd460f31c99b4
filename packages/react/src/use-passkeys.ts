import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuthClient, AuthPasskey } from '@tessera/client';
import { useAuthContext } from './context.js';
import { useAuth } from './use-auth.js';

export interface UsePasskeys {
  /** The signed-in user's passkeys, oldest first; null while signed out or until the first load finishes. */
  passkeys: AuthPasskey[] | null;
  loading: boolean;
  /** The error of the last load, if it failed (an `AuthError` from the client). */
  error: unknown;
  refresh(): Promise<void>;
  /** Adds a passkey (see `client.passkeys.register`) and appends it to the list. */
  register: AuthClient['passkeys']['register'];
  /** Removes a passkey and drops it from the list without reloading it. */
  remove(id: string): Promise<void>;
  /** Signs in with a passkey (see `client.passkeys.signIn`); works while signed out. */
  signIn: AuthClient['passkeys']['signIn'];
}

/** The signed-in user's passkeys and the calls that change them. Loads once per signed-in user. */
export function usePasskeys(): UsePasskeys {
  const { client } = useAuthContext('usePasskeys');
  const { status, user } = useAuth();
  const userId = status === 'authenticated' ? (user?.id ?? null) : null;
  const [passkeys, setPasskeys] = useState<AuthPasskey[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Only the latest load may write, so a slow answer for a previous user is dropped.
  const generation = useRef(0);

  const load = useCallback(async () => {
    const ticket = ++generation.current;
    setLoading(true);
    try {
      const list = await client.passkeys.list();
      if (ticket !== generation.current) return;
      setPasskeys(list);
      setError(null);
    } catch (failure) {
      if (ticket === generation.current) setError(failure);
    } finally {
      if (ticket === generation.current) setLoading(false);
    }
  }, [client]);

  useEffect(() => {
    if (userId === null) {
      generation.current++;
      setPasskeys(null);
      setLoading(false);
      setError(null);
      return;
    }
    void load();
  }, [userId, load]);

  const refresh = useCallback(async () => {
    if (userId !== null) await load();
  }, [userId, load]);

  const register = useCallback<UsePasskeys['register']>(
    async (input) => {
      const passkey = await client.passkeys.register(input);
      setPasskeys((list) => [...(list ?? []), passkey]);
      return passkey;
    },
    [client],
  );

  const remove = useCallback(
    async (id: string) => {
      await client.passkeys.remove(id);
      setPasskeys((list) => list?.filter((passkey) => passkey.id !== id) ?? null);
    },
    [client],
  );

  const signIn = useCallback<UsePasskeys['signIn']>((input) => client.passkeys.signIn(input), [client]);

  return { passkeys, loading, error, refresh, register, remove, signIn };
}
