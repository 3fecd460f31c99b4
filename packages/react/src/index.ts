export { AuthProvider, type AuthProviderProps } from './auth-provider.js';
export { useAuth, type UseAuth } from './use-auth.js';
export { useSession, type UseSession, type SessionInfo } from './use-session.js';
export { useRestore, type UseRestore } from './use-restore.js';
export { RequireAuth, type RequireAuthProps } from './require-auth.js';
export { useAuthClient } from './context.js';
export { createAuthStore, type AuthStore } from './auth-store.js';
export { usePasskeys, type UsePasskeys } from './use-passkeys.js';
