import { useEffect } from 'react';
import { useAuth } from '@tessera/react';
import { navigate, safeNext, useSearchParam } from '../router.js';

/** Where a login or signup leads (the `next` query, or the profile), and the move there once the session exists. */
export function useAfterSignIn(): string {
  const { status } = useAuth();
  const next = safeNext(useSearchParam('next'), '/profile');
  useEffect(() => {
    if (status === 'authenticated') navigate(next, { replace: true });
  }, [status, next]);
  return next;
}
