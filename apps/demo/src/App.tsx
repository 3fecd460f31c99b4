import { useEffect, type ReactNode } from 'react';
import { RequireAuth, useAuth, useRestore } from '@tessera/react';
import { Unreachable } from './components.js';
import { Layout } from './Layout.js';
import { navigate, usePath } from './router.js';
import { LoginPage } from './pages/LoginPage.js';
import { SignupPage } from './pages/SignupPage.js';
import { ProfilePage } from './pages/ProfilePage.js';
import { NumberPage } from './pages/NumberPage.js';
import { SessionsPage } from './pages/SessionsPage.js';
import { PasswordPage } from './pages/PasswordPage.js';
import { PasskeysPage } from './pages/PasskeysPage.js';
import { NotFoundPage } from './pages/NotFoundPage.js';
import { TwoFactorLoginPage } from './pages/TwoFactorLoginPage.js';
import { TwoFactorPage } from './pages/TwoFactorPage.js';
import { ForgotPasswordPage, OutboxPage, ResetPasswordPage, VerifyEmailPage } from './pages/account-mail-pages.js';
import { useSignOutNotices } from './sign-out-notice.js';

interface Route {
  title: string;
  page: () => ReactNode;
  /** Only for a signed-in user; anyone else is sent to the login page and comes back after. */
  protected: boolean;
}

const ROUTES: Record<string, Route> = {
  '/login': { title: 'Log in', page: LoginPage, protected: false },
  '/signup': { title: 'Sign up', page: SignupPage, protected: false },
  '/profile': { title: 'Profile', page: ProfilePage, protected: true },
  '/passkeys': { title: 'Passkeys', page: PasskeysPage, protected: true },
  '/number': { title: 'Get number', page: NumberPage, protected: true },
  '/sessions': { title: 'Sessions', page: SessionsPage, protected: true },
  // Second factor: the login's second step, and setting it up.
  '/login/two-factor': { title: 'Two-factor login', page: TwoFactorLoginPage, protected: false },
  '/two-factor': { title: 'Two-factor authentication', page: TwoFactorPage, protected: true },
  '/password': { title: 'Change password', page: PasswordPage, protected: true },
  // Email verification and password reset: the links in mails open these, so none needs a session.
  '/verify-email': { title: 'Confirm your email', page: VerifyEmailPage, protected: false },
  '/forgot-password': { title: 'Forgot password', page: ForgotPasswordPage, protected: false },
  '/reset-password': { title: 'Choose a new password', page: ResetPasswordPage, protected: false },
  '/outbox': { title: 'Development outbox', page: OutboxPage, protected: false },
};

export function App() {
  const path = usePath();
  const { status } = useAuth();
  const restore = useRestore();
  const route = ROUTES[path];
  // The session could not be restored (server unreachable): nobody knows who is signed in, so offer the login.
  const offline = status === 'unknown' && restore.error !== null;
  useSignOutNotices();

  useEffect(() => {
    document.title = `${route?.title ?? 'Not found'} · Tessera demo`;
  }, [route]);
  useEffect(() => {
    if (path === '/' && status !== 'unknown') navigate(status === 'authenticated' ? '/profile' : '/login', { replace: true });
    if (offline && (path === '/' || route?.protected)) navigate(path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`, { replace: true });
  }, [path, status, offline, route]);

  if (offline && route && !route.protected) {
    const Page = route.page;
    return <Layout><Unreachable error={restore.error} onRetry={restore.retry} /><Page /></Layout>;
  }
  if (status === 'unknown' || path === '/') return <Layout><p className="muted center" data-testid="loading">Loading…</p></Layout>;
  if (!route) return <Layout><NotFoundPage /></Layout>;
  const Page = route.page;
  if (!route.protected) return <Layout><Page /></Layout>;
  return (
    <Layout>
      <RequireAuth onUnauthenticated={() => navigate(`/login?next=${encodeURIComponent(path)}`, { replace: true })}>
        <Page />
      </RequireAuth>
    </Layout>
  );
}
