import { useMemo, useSyncExternalStore } from 'react';
import type { AuthClient, AuthState } from '@tessera/client';
import { useAuthContext } from './context.js';

export interface UseAuth extends AuthState {
  login: AuthClient['login'];
  signup: AuthClient['signup'];
  logout: AuthClient['logout'];
  /** The second step of a login that rejected with `two_factor_required` (its `twoFactor.challenge` and a code). */
  verifyTwoFactor: AuthClient['twoFactor']['verify'];
  /** Enrol, confirm, disable and read the second factor of the signed-in user. */
  twoFactor: AuthClient['twoFactor'];
  verifyEmail: AuthClient['verifyEmail'];
  emailVerified: AuthClient['emailVerified'];
  resendVerification: AuthClient['resendVerification'];
  requestPasswordReset: AuthClient['requestPasswordReset'];
  completePasswordReset: AuthClient['completePasswordReset'];
  changeEmail: AuthClient['changeEmail'];
}

/**
 * The auth state (`status`, `user`) and the actions that change it. Re-renders only when status or user change;
 * the functions keep their identity for the life of the client.
 */
export function useAuth(): UseAuth {
  const { client, store } = useAuthContext('useAuth');
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const actions = useMemo(
    () => ({
      login: (credentials: Parameters<AuthClient['login']>[0]) => client.login(credentials),
      signup: (input: Parameters<AuthClient['signup']>[0]) => client.signup(input),
      logout: () => client.logout(),
      verifyTwoFactor: (input: Parameters<AuthClient['twoFactor']['verify']>[0]) => client.twoFactor.verify(input),
      twoFactor: client.twoFactor,
      verifyEmail: (token: string) => client.verifyEmail(token),
      emailVerified: () => client.emailVerified(),
      resendVerification: () => client.resendVerification(),
      requestPasswordReset: (email: string) => client.requestPasswordReset(email),
      completePasswordReset: (input: Parameters<AuthClient['completePasswordReset']>[0]) => client.completePasswordReset(input),
      changeEmail: (input: Parameters<AuthClient['changeEmail']>[0]) => client.changeEmail(input),
    }),
    [client],
  );
  return useMemo(() => ({ status: state.status, user: state.user, ...actions }), [state, actions]);
}
