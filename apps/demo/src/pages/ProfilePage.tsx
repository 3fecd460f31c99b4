import { useAuth } from '@tessera/react';
import { longDate } from '../time.js';
import { Link } from '../router.js';
import { EmailStatus } from './account-mail-pages.js';

export function ProfilePage() {
  const { user } = useAuth();
  if (!user) return null;
  return (
    <section className="card">
      <h1>Hello, {user.name ?? user.email.split('@')[0]}</h1>
      <dl className="facts">
        <dt>Email</dt>
        <dd data-testid="profile-email">{user.email}</dd>
        <dt>Name</dt>
        <dd>{user.name ?? <span className="muted">Not set</span>}</dd>
        <dt>Member since</dt>
        <dd>{longDate(user.createdAt)}</dd>
        <dt>User ID</dt>
        <dd><code>{user.id}</code></dd>
      </dl>
      <EmailStatus />
      <div className="actions">
        <Link to="/number" className="button-primary">Get a number</Link>
        <Link to="/sessions" className="button">See your sessions</Link>
      </div>
    </section>
  );
}
