import { useState, type FormEvent } from 'react';
import { useAuth, usePasskeys } from '@tessera/react';
import { getPasskey } from '../passkey-ceremony.js';
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
  const { signIn } = usePasskeys();

  // Usernameless when the email field is empty (the device offers its passkeys for this site); email-first otherwise.
  const withPasskey = () => void run(() => signIn({ get: getPasskey, ...(email.trim() === '' ? {} : { email }) }));

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
      <button type="button" className="button wide" disabled={busy} onClick={withPasskey}>Sign in with a passkey</button>
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
