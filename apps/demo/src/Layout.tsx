import type { ReactNode } from 'react';
import { useAuth } from '@tessera/react';
import { Link, navigate, usePath } from './router.js';
import { noteFailedLogout } from './sign-out-notice.js';

const LINKS = [
  { to: '/profile', label: 'Profile' },
  { to: '/number', label: 'Get number' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/password', label: 'Password' },
  { to: '/passkeys', label: 'Passkeys' },
  { to: '/two-factor', label: 'Two-factor' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { status, user, logout } = useAuth();
  const path = usePath();
  const signedIn = status === 'authenticated';

  const onLogout = async () => {
    try {
      await logout();
    } catch (failure) {
      // Logged out here whatever happened; the login page says what the server has not heard yet.
      noteFailedLogout(failure);
    }
    navigate('/login');
  };

  return (
    <>
      <header className="topbar">
        <div className="topbar-inner">
          <div className="topbar-row">
            <Link to="/" className="brand">Tessera<span className="brand-tag">demo</span></Link>
            {signedIn && (
              <div className="account">
                <span className="account-email" data-testid="current-user" title={user?.email}>{user?.email}</span>
                <button type="button" className="button" onClick={() => void onLogout()}>Log out</button>
              </div>
            )}
          </div>
          {signedIn && (
            <nav aria-label="Main">
              {LINKS.map((link) => (
                <Link key={link.to} to={link.to} aria-current={path === link.to ? 'page' : undefined}>{link.label}</Link>
              ))}
            </nav>
          )}
        </div>
      </header>
      <main className="page">
        {children}
      </main>
    </>
  );
}
