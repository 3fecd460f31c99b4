import { useEffect, useRef, type ReactNode } from 'react';
import { useAuth } from './use-auth.js';

export interface RequireAuthProps {
  children?: ReactNode;
  /** Rendered when nobody is signed in (a login form, a link…). Default: nothing. */
  fallback?: ReactNode;
  /** Called once each time the status becomes 'unauthenticated' — the place to redirect to a login route. */
  onUnauthenticated?: () => void;
  /** Rendered while the status is still 'unknown' (restoring the session). Default: nothing. */
  loading?: ReactNode;
}

/** Renders its children only for a signed-in user; never flashes protected content while the session restores. */
export function RequireAuth({ children, fallback = null, onUnauthenticated, loading = null }: RequireAuthProps): ReactNode {
  const { status } = useAuth();
  const callback = useRef(onUnauthenticated);
  useEffect(() => {
    callback.current = onUnauthenticated;
  });
  useEffect(() => {
    if (status === 'unauthenticated') callback.current?.();
  }, [status]);
  if (status === 'authenticated') return children;
  if (status === 'unauthenticated') return fallback;
  return loading;
}
