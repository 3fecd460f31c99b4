import { useState, type ReactNode } from 'react';
import { useAuth } from '@tessera/react';
import { describeError } from './errors.js';
import { Link, navigate, usePath } from './router.js';

const LINKS = [
  { to: '/profile', label: 'Profile' },
  { to: '/number', label: 'Get number' },
  { to: '/sessions', label: 'Sessions' },
  { to: '/password', label: 'Password' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { status, user, logout } = useAuth();
  const path = usePath();
  const [error, setError] = useState<string | null>(null);
  const signedIn = status === 'authenticated';

  const onLogout = async () => {
    setError(null);
    try {
      await logout();
      navigate('/login');
    } catch (failure) {
      setError(describeError(failure));
    }
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
        {error && <p className="alert" role="alert">{error}</p>}
        {children}
      </main>
    </>
  );
}
