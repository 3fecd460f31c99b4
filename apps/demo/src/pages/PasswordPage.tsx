import { useState, type FormEvent } from 'react';
import { useAuthClient } from '@tessera/react';
import { Alert, Field, useAction } from '../components.js';

export function PasswordPage() {
  const client = useAuthClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAction();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(false);
    if (next !== confirm) {
      setError("The new passwords don't match.");
      return;
    }
    if (await run(() => client.changePassword({ currentPassword: current, newPassword: next }))) {
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    }
  };

  return (
    <section className="card narrow">
      <h1>Change password</h1>
      <p className="muted">Changing it logs you out on every other device.</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Field label="Current password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <Field label="New password" hint="At least 8 characters." type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
        <Field label="Repeat new password" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        <Alert>{error}</Alert>
        <Alert kind="success">{done ? 'Your password has been changed. Your other devices have been logged out.' : null}</Alert>
        <button type="submit" className="button-primary wide" disabled={busy}>{busy ? 'Saving…' : 'Change password'}</button>
      </form>
    </section>
  );
}
