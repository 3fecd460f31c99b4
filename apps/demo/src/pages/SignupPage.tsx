import { useState, type FormEvent } from 'react';
import { useAuth } from '@tessera/react';
import { Alert, Field, useAction } from '../components.js';
import { Link } from '../router.js';
import { useAfterSignIn } from './use-after-sign-in.js';

export function SignupPage() {
  const { signup } = useAuth();
  useAfterSignIn();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    void run(() => signup(trimmed ? { email, password, name: trimmed } : { email, password }));
  };

  return (
    <section className="card narrow">
      <h1>Create an account</h1>
      <p className="muted">It takes a few seconds. No email confirmation in this demo.</p>
      <form onSubmit={submit} noValidate>
        <Field label="Name" hint="Optional" type="text" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <Field label="Email" type="email" name="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label="Password" hint="At least 8 characters." type="password" name="password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Alert>{error}</Alert>
        <button type="submit" className="button-primary wide" disabled={busy}>{busy ? 'Creating account…' : 'Create account'}</button>
      </form>
      <p className="switch">Already have an account? <Link to="/login">Log in</Link></p>
    </section>
  );
}
