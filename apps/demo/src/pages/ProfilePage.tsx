import { useAuth, useAuthClient } from '@tessera/react';
import { longDate } from '../time.js';
import { Link } from '../router.js';
import { EmailStatus } from './account-mail-pages.js';

export function ProfilePage() {
  const { user } = useAuth();
  const client = useAuthClient();
  if (!user) return null;
  // Fixed for the life of a session: bound at login, or not at all.
  const bound = client.getTokenType() === 'DPoP';
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
        <dt>This session</dt>
        <dd data-testid="session-binding">
          {bound ? 'Bound to a key only this browser holds: a copied cookie or token is refused elsewhere' : 'A bearer session: not bound to this browser'}
        </dd>
      </dl>
      <EmailStatus />
      <div className="actions">
        <Link to="/number" className="button-primary">Get a number</Link>
        <Link to="/sessions" className="button">See your sessions</Link>
      </div>
    </section>
  );
}
