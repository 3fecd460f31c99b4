import { useState, type FormEvent } from 'react';
import { useAuth } from '@tessera/react';
import { Alert, Field, useAction } from '../components.js';
import { AuthError } from '@tessera/client';
import { Link, navigate } from '../router.js';
import { holdChallenge } from './two-factor-challenge.js';
import { useSignOutNotice } from '../sign-out-notice.js';
import { useAfterSignIn } from './use-after-sign-in.js';

export function LoginPage() {
  const { login } = useAuth();
  const next = useAfterSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const notice = useSignOutNotice();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      try {
        await login({ email, password });
      } catch (failure) {
        // The password was right and the account has a second factor: its page asks for the code.
        if (!(failure instanceof AuthError && failure.code === 'two_factor_required' && failure.twoFactor)) throw failure;
        holdChallenge(failure.twoFactor);
        navigate(next === '/profile' ? '/login/two-factor' : `/login/two-factor?next=${encodeURIComponent(next)}`);
      }
    });
  };

  return (
    <section className="card narrow">
      <h1>Log in</h1>
      {notice && <p className="notice info" role="status" data-testid="signed-out-notice">{notice}</p>}
      <p className="muted">Welcome back. You stay logged in on this device until you log out.</p>
      <form onSubmit={submit} noValidate>
        <Field label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label="Password" type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Alert>{error}</Alert>
        <button type="submit" className="button-primary wide" disabled={busy}>{busy ? 'Logging in…' : 'Log in'}</button>
      </form>
      <p className="switch"><Link to="/forgot-password">Forgot your password?</Link> · <Link to="/outbox">Development outbox</Link></p>
      <p className="switch">No account yet? <Link to={next === '/profile' ? '/signup' : `/signup?next=${encodeURIComponent(next)}`}>Sign up</Link></p>
    </section>
  );
}
