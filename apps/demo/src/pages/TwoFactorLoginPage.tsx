import { useEffect, useState, type FormEvent } from 'react';
import { useAuth } from '@tessera/react';
import { Alert, Field, useAction } from '../components.js';
import { Link, navigate } from '../router.js';
import { useAfterSignIn } from './use-after-sign-in.js';
import { dropChallenge, pendingChallenge } from './two-factor-challenge.js';

/** The second step of a login: the six digits of the authenticator app, or one recovery code. */
export function TwoFactorLoginPage() {
  const { verifyTwoFactor } = useAuth();
  useAfterSignIn();
  const [challenge] = useState(pendingChallenge);
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState('');
  const { busy, error, run } = useAction();

  useEffect(() => {
    if (challenge === null) navigate('/login', { replace: true });
  }, [challenge]);
  if (challenge === null) return null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = useRecovery ? { challenge: challenge.challenge, recoveryCode: value } : { challenge: challenge.challenge, code: value.replace(/\s/g, '') };
    if (await run(() => verifyTwoFactor(answer))) dropChallenge();
  };

  return (
    <section className="card narrow">
      <h1>Two-factor authentication</h1>
      <p className="muted">
        {useRecovery ? 'Enter one of the recovery codes you saved. Each works once.' : 'Enter the 6-digit code from your authenticator app.'}
      </p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        {useRecovery ? (
          <Field label="Recovery code" name="recoveryCode" autoComplete="off" required value={value} onChange={(e) => setValue(e.target.value)} />
        ) : (
          <Field label="Code" name="code" inputMode="numeric" autoComplete="one-time-code" required value={value} onChange={(e) => setValue(e.target.value)} />
        )}
        <Alert>{error}</Alert>
        <button type="submit" className="button-primary wide" disabled={busy}>{busy ? 'Checking…' : 'Verify'}</button>
      </form>
      {challenge.methods.includes('recovery_code') && (
        <p className="switch">
          <button type="button" className="link" onClick={() => { setUseRecovery(!useRecovery); setValue(''); }}>
            {useRecovery ? 'Use the authenticator app instead' : 'Use a recovery code instead'}
          </button>
        </p>
      )}
      <p className="switch"><Link to="/login" onClick={dropChallenge}>Start over</Link></p>
    </section>
  );
}
