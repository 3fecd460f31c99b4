import { useEffect, useSyncExternalStore } from 'react';
import { AuthError, type LogoutDetail } from '@tessera/client';
import { useAuth, useAuthClient } from '@tessera/react';

// Why the user is looking at the login form when it was not (only) their own doing. Shown there until they sign in.
let notice: string | null = null;
const listeners = new Set<() => void>();

function setNotice(next: string | null): void {
  if (next === notice) return;
  notice = next;
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const LOGOUT_OWED =
  "You're logged out on this device, but we couldn't reach the server to end your session there. It will be ended as soon as the server answers; until then this device won't sign you back in.";
const ENDED_ELSEWHERE =
  'You were signed out because your session was ended elsewhere: "Log out everywhere" on another device, a revoked session or a password change. Please log in again.';
const REFUSED = 'You were signed out because your session could no longer be used. Please log in again.';

/** The sentence for a logout the user did not ask for in this tab, or null when there is nothing to explain. */
export function describeLogout(detail: LogoutDetail): string | null {
  if (detail.error === 'invalid_token' || detail.error === 'invalid_grant') return ENDED_ELSEWHERE;
  if (detail.error !== undefined) return REFUSED;
  return null;
}

/** A logout() that rejected: the device is logged out, but the server may not know yet. */
export function noteFailedLogout(error: unknown): void {
  setNotice(error instanceof AuthError && error.code === 'csrf_failed' ? REFUSED : LOGOUT_OWED);
}

/** Listens for sign-outs (mount once, inside the provider) and forgets the notice once someone signs in. */
export function useSignOutNotices(): void {
  const client = useAuthClient();
  const { status } = useAuth();
  useEffect(() => client.on('logout', (detail) => setNotice(describeLogout(detail as LogoutDetail))), [client]);
  useEffect(() => {
    if (status === 'authenticated') setNotice(null);
  }, [status]);
}

export function useSignOutNotice(): string | null {
  return useSyncExternalStore(subscribe, () => notice);
}
